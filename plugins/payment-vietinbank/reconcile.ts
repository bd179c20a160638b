/**
 * The reconciliation task: payments still pending `pendingCheckAfterMs` after their last change are looked up at
 * the bank — paid ones are marked paid (a notice may have been lost), declined ones failed, and those past their
 * expiry expired — each change with its event. A look-up that fails leaves the payment for a later run: an
 * unreachable bank is no reason to call a payment expired.
 *
 * A run asks about at most `reconcileBatch` payments, those asked about least recently first: a payment still open
 * at the bank keeps its place in the store's order, so the same oldest ones would otherwise be asked every run and
 * the rest never. A run ends early when the bank stops answering, rather than spend a timeout on every payment.
 */
import { PermanentError, errorMessage, type PluginTask, type TaskContext } from '../../core/sdk/index.ts';
import type { VietinbankConfig } from './config.ts';
import { refreshPayment } from './lookup.ts';
import { paymentOf, type Payment } from './payments.ts';

/** Pending payments a run chooses from. */
const CANDIDATES = 10_000;
/** Look-ups failing in a row after which a run stops: the bank is most likely down, and each costs a timeout. */
const FAILURES_TO_STOP = 3;

/**
 * Per instance, when each pending payment was last asked about, as a count of look-ups; in memory, so a restart
 * starts again from the store's order.
 */
const lookups = new Map<string, { count: number; lastAsked: Map<string, number> }>();

/** The payments to ask about this run, least recently asked first, and the mark to set on each one asked. */
function dueThisRun(instance: string, payments: Payment[], batch: number) {
  const state = lookups.get(instance) ?? { count: 0, lastAsked: new Map<string, number>() };
  lookups.set(instance, state);
  const pending = new Set(payments.map((payment) => payment.paymentId));
  for (const paymentId of state.lastAsked.keys()) if (!pending.has(paymentId)) state.lastAsked.delete(paymentId);
  const lastAsked = (payment: Payment) => state.lastAsked.get(payment.paymentId) ?? 0;
  // A stable sort: payments never asked about keep the store's order, least recently changed first.
  const due = [...payments].sort((a, b) => lastAsked(a) - lastAsked(b)).slice(0, batch);
  return { due, markAsked: (payment: Payment) => state.lastAsked.set(payment.paymentId, ++state.count) };
}

export async function reconcilePending(ctx: TaskContext<VietinbankConfig>): Promise<void> {
  const { config } = ctx;
  const updatedBefore = new Date(Date.now() - config.pendingCheckAfterMs).toISOString();
  const records = await ctx.records.list({ status: 'pending', updatedBefore, limit: CANDIDATES });
  const payments = records.map(paymentOf).filter((payment): payment is Payment => payment !== undefined);
  const { due, markAsked } = dueThisRun(ctx.instance, payments, config.reconcileBatch);
  const call = { config, http: ctx.http, signal: ctx.signal };
  const outcomes: Record<string, number> = {};
  let failuresInRow = 0;
  for (const payment of due) {
    if (ctx.signal.aborted) break;
    markAsked(payment);
    let outcome: string;
    try {
      // Each look-up at its own time: transTime must stay in the bank's window however long the run takes.
      outcome = (await refreshPayment(call, ctx.records, payment)).status;
      failuresInRow = 0;
    } catch (error) {
      outcome = 'unresolved';
      failuresInRow += 1;
      const fields = { paymentId: payment.paymentId, err: errorMessage(error) };
      // A refusal a retry cannot change (a bad signature, another amount at the bank) needs an operator, and proof.
      if (error instanceof PermanentError) {
        ctx.log.error(fields, 'cannot take the bank\'s answer about a pending payment');
        await ctx.audit('payment.answer-refused', { paymentId: payment.paymentId, code: error.code, reason: errorMessage(error) });
      } else {
        ctx.log.warn(fields, 'could not look a pending payment up');
      }
    }
    outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
    if (failuresInRow >= FAILURES_TO_STOP) {
      ctx.log.warn({ failuresInRow }, 'look-ups failing in a row: the other pending payments wait for the next run');
      break;
    }
  }
  const asked = Object.values(outcomes).reduce((sum, count) => sum + count, 0);
  if (asked > 0) ctx.log.info({ pending: payments.length, asked, ...outcomes }, 'pending payments looked up');
}

export const reconcileTask: PluginTask<VietinbankConfig> = {
  name: 'reconcile-pending-payments',
  everyMs: (config) => config.reconcileEveryMs,
  run: reconcilePending,
};
