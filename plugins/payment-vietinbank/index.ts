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
  events: {
    'payment.succeeded':
      'the bank took the money ({ paymentId, dossierCode, amount, paidAt, providerReference? }): once per payment, also for one already marked failed or expired',
    'payment.failed': 'a pending payment ended unpaid ({ paymentId, dossierCode, amount, status: failed | expired, reason }): declined, cancelled, unknown to the bank or expired',
  },
});
