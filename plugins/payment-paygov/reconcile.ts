/**
 * A result callback can be lost (the gateway down, a network fault): every `reconcileEveryMs`, pending payments
 * untouched for `reconcileAfterMs` are queried, oldest first, so each still ends with its event. One still
 * pending `reconcileAfterMs` after its page expired is marked expired (a later result of paid still counts).
 */
import { errorMessage, type PluginTask } from '../../core/plugin.ts';
import type { PaygovConfig } from './config.ts';
import { markExpired, paymentOf } from './payment-record.ts';
import { refresh } from './query.ts';

const BATCH = 50;

export const reconcilePending: PluginTask<PaygovConfig> = {
  name: 'reconcile-pending-payments',
  everyMs: (config) => config.reconcileEveryMs,
  async run(ctx) {
    const updatedBefore = new Date(Date.now() - ctx.config.reconcileAfterMs).toISOString();
    const pending = await ctx.records.list({ status: 'pending', updatedBefore, limit: BATCH });
    for (const record of pending) {
      if (ctx.signal.aborted) return;
      const payment = paymentOf(record);
      if (!payment) continue;
      try {
        const now = await refresh(payment, ctx);
        if (now.status === 'pending' && Date.parse(payment.data.expiresAt) + ctx.config.reconcileAfterMs < Date.now()) {
          await markExpired(ctx.records, now);
          ctx.log.info({ paymentId: payment.paymentId }, 'a payment expired without a result');
        } else if (now.status !== 'pending') {
          ctx.log.info({ paymentId: payment.paymentId, status: now.status }, 'reconciled a payment');
        }
      } catch (error) {
        // One payment's trouble must not hold up the others; it is tried again on the next run.
        ctx.log.warn({ paymentId: payment.paymentId, err: errorMessage(error) }, 'could not query a pending payment');
      }
    }
  },
};
