/**
 * Asks the bank about one payment and applies what it says to the stored state: the one path by which `query`,
 * the reconciliation task and a create without an answer learn a payment's fate from the bank.
 */
import { PermanentError, RetryableError, type PluginRecords } from '../../core/sdk/index.ts';
import { inquire, type BankCall, type InquiryAnswer } from './client.ts';
import type { VietinbankConfig } from './config.ts';
import { findPayment, markPaid, markUnpaid, type Payment, type PaymentStatus } from './payments.ts';
import { ANSWER_CODES, TRANSACTION_STATES, refusal } from './answer-codes.ts';
import { fromTransTime, toVietnamIso } from './vietnam-time.ts';

export type BankView = { found: false } | { found: true; state: PaymentStatus; answer: InquiryAnswer };

/** The bank's view of a payment, checked against what the gateway stored (same id, same amount). */
export async function bankView(call: BankCall, payment: Payment, now = new Date()): Promise<BankView> {
  const answer = await inquire(call, payment.data.requestId, now);
  const { code, message } = answer.status;
  const row = ANSWER_CODES.find(code);
  if (row?.verdict === 'not-found') return { found: false };
  if (row?.verdict !== 'success') throw refusal(code, message, `an inquiry about payment ${payment.paymentId}`);
  const state = TRANSACTION_STATES.find(answer.transStatus ?? '')?.state;
  if (!state) throw new RetryableError(`VietinBank reported payment ${payment.paymentId} in an unknown state ${answer.transStatus ?? '(none)'}`, { code: 'UNKNOWN_STATE' });
  if (answer.queryTransactionId !== payment.data.requestId) {
    throw new PermanentError(`VietinBank answered an inquiry about payment ${payment.paymentId} with another transaction`, { code: 'ANSWER_MISMATCH' });
  }
  if (answer.amount !== String(payment.data.amount)) {
    throw new PermanentError(`VietinBank holds payment ${payment.paymentId} with another amount than the gateway registered`, { code: 'AMOUNT_MISMATCH' });
  }
  return { found: true, state, answer };
}

/** Applies the bank's view to a pending payment; answers the payment as stored afterwards. */
export async function applyBankView(records: PluginRecords, config: VietinbankConfig, payment: Payment, view: BankView, now = new Date()): Promise<Payment> {
  const changed = await transitionFor(records, config, payment, view, now);
  if (changed) return changed;
  // Unchanged, or changed meanwhile by a notice or another look-up: the store has the answer.
  return (await findPayment(records, payment.paymentId)) ?? payment;
}

/**
 * How old a payment the bank does not know must be before the gateway calls it never registered: past the
 * pending check, and past any create of it still on its way (its call and the look-up after a timeout).
 */
const neverArrivedAfterMs = (config: VietinbankConfig) => Math.max(config.pendingCheckAfterMs, 3 * config.timeoutMs);

async function transitionFor(records: PluginRecords, config: VietinbankConfig, payment: Payment, view: BankView, now: Date) {
  if (!view.found) {
    if (now.getTime() - Date.parse(payment.createdAt) < neverArrivedAfterMs(config)) return undefined;
    return markUnpaid(records, payment, 'failed', 'the bank has no such payment: the request to register it never arrived');
  }
  const { state, answer } = view;
  if (state === 'paid') {
    const paidAt = fromTransTime(answer.payTime ?? '') ?? now;
    return markPaid(records, payment, { bankTransId: answer.bankTransId, paidAt: toVietnamIso(paidAt) });
  }
  if (state === 'failed') return markUnpaid(records, payment, 'failed', 'declined or cancelled at the bank');
  if (state === 'expired') return markUnpaid(records, payment, 'expired', 'expired at the bank');
  // Still open at the bank: expired here only once the bank can no longer take the money either.
  if (now.getTime() > Date.parse(payment.data.expiresAt) + config.expiryGraceMs) return markUnpaid(records, payment, 'expired', 'not paid before it expired');
  return undefined;
}

/** Looks a payment up at the bank when its state is not final; answers it as stored afterwards. */
export async function refreshPayment(call: BankCall, records: PluginRecords, payment: Payment, now = new Date()): Promise<Payment> {
  if (payment.status !== 'pending') return payment;
  const view = await bankView(call, payment, now);
  return applyBankView(records, call.config, payment, view, now);
}
