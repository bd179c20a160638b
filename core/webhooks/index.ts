import { definePlugin } from '../sdk/contract.ts';
import { webhookConfigSchema } from './config.ts';
import { run } from './deliver.ts';
import { webhookReceiver } from './receiver.ts';

/** Built into core, not listed with the plugins: delivers gateway events (`payment.succeeded`, `message.dead`, …) to the one-stop software, signed. */
export const webhookPlugin = definePlugin({
  id: 'webhook',
  capability: 'webhook',
  configSchema: webhookConfigSchema,
  operations: { deliver: { run } },
  simulator: webhookReceiver,
});
