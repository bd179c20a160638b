/**
 * `create`: stores the payment as pending, then registers it at the bank. A timeout or a duplicate code (05/07)
 * is followed by a look-up of the same requestId, never by a second payment request.
 */
import type * as v from 'valibot';
import type { paymentCreateInput, paymentCreateOutput } from '../../core/capabilities/payment.ts';
import { PermanentError, RetryableError, errorMessage, type OperationContext } from '../../core/sdk/index.ts';
import { createPayment, requestIdOf, type BankCall } from './client.ts';
import type { VietinbankConfig } from './config.ts';
import { applyBankView, bankView } from './lookup.ts';
import { markUnpaid, paymentOf, type Payment } from './payments.ts';
import { ANSWER_CODES, malformedAnswer, mayHaveReachedBank, refusal } from './answer-codes.ts';
import { toTransTime } from './vietnam-time.ts';

type CreateInput = v.InferOutput<typeof paymentCreateInput>;
type CreateOutput = v.InferOutput<typeof paymentCreateOutput>;

export async function create(input: CreateInput, ctx: OperationContext<VietinbankConfig>): Promise<CreateOutput> {
  const { config } = ctx;
  const now = new Date();
  // A call without an Idempotency-Key has a fresh message id, so a payment of its own. A call repeated with the same
  // key (after a 502/504) has the first call's id: the record below is found again, the bank sees the same
  // requestId, answers duplicate (05/07), and the look-up answers the first payment; no second one is registered.
  const requestId = requestIdOf(ctx.messageId);
  const paymentId = requestId;
  const expiresAt = new Date(now.getTime() + config.paymentTtlMs);
  const data = { requestId, amount: input.amount, agency: input.agency, dossierCode: input.dossierCode, expiresAt: expiresAt.toISOString() };
  const stored = await ctx.records.create(paymentId, 'pending', data);
  const payment = paymentOf(stored.record);
  if (!payment || payment.data.amount !== input.amount || payment.data.dossierCode !== input.dossierCode || payment.data.agency !== input.agency) {
    throw new PermanentError(`payment id ${paymentId} is already taken by another payment`, { code: 'PAYMENT_ID_TAKEN' });
  }

  // The first call was refused with a code that says "try again" (busy, clock skew): the repeat is that try, so the
  // payment is open again while it is sent.
  if (!stored.created && payment.status === 'failed' && payment.data.retryableRefusal === true) {
    await ctx.records.transition(paymentId, { from: ['failed'], to: 'pending', data: { reason: undefined, retryableRefusal: undefined } });
  }

  const call: BankCall = { config, http: ctx.http, signal: ctx.signal };
  const fields = {
    requestId,
    amount: input.amount,
    billNo: paymentId,
    remark: input.description,
    expireTime: toTransTime(new Date(payment.data.expiresAt)),
    notifyUrl: config.notifyUrl ?? ctx.callbackUrl,
    returnUrl: input.returnUrl,
  };
  let answer;
  try {
    answer = await createPayment(call, fields, now);
  } catch (error) {
    if (ctx.signal.aborted || !mayHaveReachedBank(error)) throw error;
    ctx.log.warn({ paymentId, code: error.code }, 'no answer to a payment request: looking it up instead of asking again');
    return registered(call, ctx, payment, error);
  }
  const { code, message } = answer.status;
  const verdict = ANSWER_CODES.find(code)?.verdict;
  if (verdict === 'success') {
    if (!answer.paymentUrl) throw malformedAnswer('answer to a payment request (no paymentUrl)');
    ctx.log.info({ paymentId }, 'VietinBank registered the payment');
    return output(payment, answer.paymentUrl, answer.qrData);
  }
  if (verdict === 'duplicate') {
    ctx.log.info({ paymentId, code }, 'VietinBank already has this payment request: looking it up');
    return registered(call, ctx, payment, refusal(code, message, `payment request ${requestId}`));
  }
  // A signed refusal (retryable or not) says the bank did not register it. An unknown code says nothing sure: the
  // reconciliation task asks later.
  const error = refusal(code, message, `payment request ${requestId}`);
  if (verdict !== undefined) await closeRefused(ctx, payment, code, verdict === 'retryable');
  throw error;
}

/** The caller hears the refusal now, so the payment is closed without an event; `retryable` lets a repeat reopen it. */
async function closeRefused(ctx: OperationContext<VietinbankConfig>, payment: Payment, code: string, retryable = false): Promise<void> {
  await markUnpaid(ctx.records, payment, 'failed', `refused by the bank (${code})`, false, retryable ? { retryableRefusal: true } : {});
}

/** The create's outcome from a look-up: registered (its page and QR), or `cause` when the bank has no such payment. */
async function registered(call: BankCall, ctx: OperationContext<VietinbankConfig>, payment: Payment, cause: RetryableError | PermanentError): Promise<CreateOutput> {
  let view;
  try {
    view = await bankView(call, payment);
  } catch (error) {
    // The bank holds this requestId with another amount: it is not this payment, and never will be.
    if (error instanceof PermanentError && error.code === 'AMOUNT_MISMATCH') await closeRefused(ctx, payment, error.code);
    if (error instanceof PermanentError) throw error;
    // Still unknown: the payment stays pending and the reconciliation task settles it.
    throw new RetryableError(`${cause.message}; the look-up that followed failed too: ${errorMessage(error)}`, { code: 'UNCONFIRMED' });
  }
  if (!view.found) {
    // After a timeout the request may still arrive: pending, for the reconciliation task. A duplicate code the bank
    // cannot back up is a refusal the caller hears now.
    if (cause instanceof PermanentError) await closeRefused(ctx, payment, cause.code ?? 'duplicate');
    throw cause;
  }
  const settled = await applyBankView(ctx.records, ctx.config, payment, view);
  if (settled.status === 'failed' || settled.status === 'expired') {
    throw new PermanentError(`payment ${payment.paymentId} is already ${settled.status} at the bank`, { code: 'PAYMENT_CLOSED' });
  }
  if (!view.answer.paymentUrl) throw malformedAnswer('answer to an inquiry (no paymentUrl)');
  return output(payment, view.answer.paymentUrl, view.answer.qrData);
}

function output(payment: Payment, paymentUrl: string, qr: string | undefined): CreateOutput {
  return { paymentId: payment.paymentId, paymentUrl, ...(qr ? { qr } : {}), expiresAt: payment.data.expiresAt };
}
