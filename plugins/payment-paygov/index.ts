import { definePlugin } from '../../core/sdk/index.ts';
import { resultCallback } from './callback.ts';
import { paygovConfigSchema } from './config.ts';
import { run as create } from './create.ts';
import { run as query } from './query.ts';
import { reconcilePending } from './reconcile.ts';
import { paygovSimulator } from './simulator/index.ts';

/**
 * The national public service portal's payment platform (DVCQG): INIT and QUERY messages signed with MaXacThuc
 * (SHA-256), the payer's result by callback, and pending payments reconciled by QUERY. With a simulator that
 * serves a payment page.
 */
export default definePlugin({
  id: 'payment-paygov',
  capability: 'payment',
  configSchema: paygovConfigSchema,
  operations: { create: { run: create }, query: { run: query } },
  callbacks: resultCallback,
  tasks: [reconcilePending],
  simulator: paygovSimulator,
  events: {
    'payment.succeeded':
      'the platform reports the payment paid ({ paymentId, dossierCode, amount, paidAt?, providerReference? }): once per payment, also for one already marked failed or expired',
    'payment.failed': "a pending payment ended unpaid ({ paymentId, dossierCode, amount, status: failed | expired, code? }): the platform's refusal code, or no result long after expiry",
  },
});
