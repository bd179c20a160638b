import { definePlugin } from '../../core/plugin.ts';
import { webhookConfigSchema } from './config.ts';
import { run } from './deliver.ts';
import { webhookReceiver } from './receiver.ts';

/** Built in: delivers gateway events (`payment.succeeded`, `message.dead`, …) to the one-stop software, signed. */
export default definePlugin({
  id: 'webhook',
  capability: 'webhook',
  configSchema: webhookConfigSchema,
  operations: { deliver: { run } },
  simulator: webhookReceiver,
});
