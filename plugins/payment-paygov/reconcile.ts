/**
 * A result callback can be lost (the gateway down, a network fault): every `reconcileEveryMs`, pending payments
 * untouched for `reconcileAfterMs` are queried, least recently looked at first, so each still ends with its event.
 * One still pending `reconcileAfterMs` after its page expired, or that the platform says it never took, is marked
 * expired (a later result of paid still counts).
 */
import { errorMessage, type PluginTask, type TaskContext } from '../../core/sdk/index.ts';
import type { PaygovConfig } from './config.ts';
import { markExpired, paymentOf, type StoredPayment } from './payment-record.ts';
import { refresh } from './query.ts';
import { failureCode, isUnknownTransaction } from './answer-codes.ts';

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
      if (payment) await reconcile(payment, ctx);
    }
  },
};

async function reconcile(payment: StoredPayment, ctx: TaskContext<PaygovConfig>): Promise<void> {
  const { paymentId } = payment;
  const longExpired = Date.parse(payment.data.expiresAt) + ctx.config.reconcileAfterMs < Date.now();
  try {
    const current = await refresh(payment, ctx);
    if (current.status !== 'pending') {
      ctx.log.info({ paymentId, status: current.status }, 'reconciled a payment');
    } else if (longExpired) {
      await expire(payment, ctx);
    }
  } catch (error) {
    // The platform never took the INIT (the gateway stopped between keeping the payment and sending it).
    if (longExpired && isUnknownTransaction(error)) return expire(payment, ctx);
    if (ctx.signal.aborted) return;
    ctx.log.warn({ paymentId, err: errorMessage(error) }, 'could not query a pending payment; it is tried again later');
    // To the back of the line: payments the platform keeps failing on must not take every turn of the batch.
    await ctx.records.transition(paymentId, { from: ['pending'], to: 'pending', data: { lastQueryError: failureCode(error) } });
  }
}

async function expire(payment: StoredPayment, ctx: TaskContext<PaygovConfig>): Promise<void> {
  if (await markExpired(ctx.records, payment)) ctx.log.info({ paymentId: payment.paymentId }, 'a payment expired without a result');
}
