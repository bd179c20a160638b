import { definePlugin } from '../../core/sdk/index.ts';
import { health } from './health.ts';
import { viettelConfigSchema } from './config.ts';
import { prepare, run } from './send.ts';
import { viettelSimulator } from './simulator/index.ts';

/** Viettel brandname SMS over SOAP (bulkapi, service CcApi), with a SOAP simulator for the sandbox and tests. */
export default definePlugin({
  id: 'sms-viettel',
  capability: 'sms',
  configSchema: viettelConfigSchema,
  operations: { send: { prepare, run } },
  health,
  simulator: viettelSimulator,
  // Emits no event: its outcomes are the messages' results (and `message.dead`, which core emits).
  events: {},
});
