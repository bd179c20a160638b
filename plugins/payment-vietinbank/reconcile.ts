/**
 * The reconciliation task: payments still pending `pendingCheckAfterMs` after their last change are looked up at
 * the bank — paid ones are marked paid (a notice may have been lost), declined ones failed, and those past their
 * expiry expired — each change with its event. A look-up that fails leaves the payment for the next run: an
 * unreachable bank is no reason to call a payment expired.
 */
import { errorMessage, type PluginTask, type TaskContext } from '../../core/plugin.ts';
import type { VietinbankConfig } from './config.ts';
import { refreshPayment } from './lookup.ts';
import { paymentOf } from './payments.ts';

export async function reconcilePending(ctx: TaskContext<VietinbankConfig>, now = new Date()): Promise<void> {
  const { config } = ctx;
  const updatedBefore = new Date(now.getTime() - config.pendingCheckAfterMs).toISOString();
  const records = await ctx.records.list({ status: 'pending', updatedBefore, limit: config.reconcileBatch });
  const call = { config, http: ctx.http, signal: ctx.signal };
  const outcomes: Record<string, number> = {};
  for (const record of records) {
    if (ctx.signal.aborted) break;
    const payment = paymentOf(record);
    if (!payment) continue;
    let outcome: string;
    try {
      outcome = (await refreshPayment(call, ctx.records, payment, { now, pendingCheckAfterMs: config.pendingCheckAfterMs })).status;
    } catch (error) {
      outcome = 'unresolved';
      ctx.log.warn({ paymentId: payment.paymentId, err: errorMessage(error) }, 'could not look a pending payment up');
    }
    outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
  }
  if (records.length > 0) ctx.log.info({ checked: records.length, ...outcomes }, 'pending payments looked up');
}

export const reconcileTask: PluginTask<VietinbankConfig> = {
  name: 'reconcile-pending-payments',
  everyMs: (config) => config.reconcileEveryMs,
  run: (ctx) => reconcilePending(ctx),
};
