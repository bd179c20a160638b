import { definePlugin } from '../../core/sdk/index.ts';
import { vietinbankConfigSchema } from './config.ts';
import { create } from './create.ts';
import { handleNotice } from './notification.ts';
import { query } from './query.ts';
import { reconcileTask } from './reconcile.ts';
import { vietinbankSimulator } from './simulator/index.ts';

/**
 * VietinBank collection of public-service fees: signed JSON requests (create, inquiry), the bank's signed payment
 * notices at the instance's callback URL, a task that settles payments left pending, and a simulator of the bank
 * with a hosted payment page.
 */
export default definePlugin({
  id: 'payment-vietinbank',
  capability: 'payment',
  configSchema: vietinbankConfigSchema,
  operations: { create: { run: create }, query: { run: query } },
  callbacks: { handle: handleNotice },
  tasks: [reconcileTask],
  simulator: vietinbankSimulator,
});
