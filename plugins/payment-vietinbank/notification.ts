/**
 * The bank's payment notice (IPN) at `POST /v1/callbacks/{instance}`: verified with the bank's public key, each
 * field checked against its form (notice-fields.ts: the signature alone lets characters move between fields), taken
 * once (the transition to `paid` is the test-and-set, however many copies arrive at once), and answered in the
 * signed form the bank expects: `{ transId, errorCode, errorDesc, signature }`, always HTTP 200, as the bank reads
 * the code, not the status. A refused notice changes nothing and says why in the audit entry.
 */
import * as v from 'valibot';
import type { CallbackContext, CallbackOutcome } from '../../core/sdk/index.ts';
import type { VietinbankConfig } from './config.ts';
import { findPayment, markPaid } from './payments.ts';
import { NOTICE_ANSWERS, type NoticeAnswer } from './answer-codes.ts';
import { noticeFieldProblem } from './notice-fields.ts';
import { signed, verifyMessage } from './signature.ts';
import { fromTransTime, toVietnamIso } from './vietnam-time.ts';

const BODY_LIMIT = 64 * 1024;

/**
 * The transId echoed in the signed answer to a notice that is not (yet) known to be the bank's: only a plain id.
 * Anything else is answered with an empty transId, so a stranger cannot have the agency sign text of its choosing.
 */
function echoedTransId(value: unknown): string {
  return typeof value === 'string' && /^[A-Za-z0-9_.:-]{1,64}$/.test(value) ? value : '';
}

/** The notice's shape; each field's form is checked once the signature verifies (notice-fields.ts). */
const noticeSchema = v.looseObject({
  transId: v.string(),
  transTime: v.string(),
  custCode: v.string(),
  amount: v.string(),
  bankTransId: v.string(),
  remark: v.optional(v.string()),
  signature: v.optional(v.string()),
});

export async function handleNotice(request: Request, ctx: CallbackContext<VietinbankConfig>): Promise<CallbackOutcome> {
  const { config } = ctx;
  const answer = (transId: string, result: NoticeAnswer, accepted: boolean, summary: Record<string, unknown>): CallbackOutcome => {
    const body = signed('noticeAnswer', { transId, ...result }, config.privateKey.reveal(), config.signatureHash);
    const response = new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
    return { response, accepted, summary: { ...summary, errorCode: result.errorCode } };
  };

  const text = await request.text();
  let json: unknown;
  try {
    json = text.length > BODY_LIMIT ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  const notice = v.safeParse(noticeSchema, json);
  if (!notice.success) {
    ctx.log.warn('VietinBank notice refused: not the expected JSON');
    const transId = json !== null && typeof json === 'object' ? echoedTransId((json as Record<string, unknown>).transId) : '';
    return answer(transId, NOTICE_ANSWERS.malformed, false, { refused: 'malformed notice' });
  }
  const { transId, custCode: paymentId, amount, bankTransId } = notice.output;
  if (!verifyMessage('notice', notice.output, config.bankPublicKey.reveal(), config.signatureHash)) {
    const echoed = echoedTransId(transId);
    ctx.log.warn({ transId: echoed }, 'VietinBank notice refused: the signature does not verify');
    return answer(echoed, NOTICE_ANSWERS.badSignature, false, { refused: 'invalid signature', transId: echoed });
  }
  const problem = noticeFieldProblem(notice.output, config);
  if (problem) {
    // Signed by the bank, yet a field is not in its form: a genuine notice whose characters were moved between
    // fields (the signature covers them joined without separators), or a bank whose forms the config does not know.
    const echoed = echoedTransId(transId);
    const why = `${problem.field} is not ${problem.expected}`;
    const cause = "its signature verifies, so its fields may have been shifted, or the bank's form is not the instance's config";
    ctx.log.warn({ transId: echoed, field: problem.field }, `VietinBank notice refused: ${why}; ${cause}`);
    return answer(echoed, NOTICE_ANSWERS.malformed, false, { refused: 'malformed notice', field: problem.field, reason: why, transId: echoed });
  }
  const payment = await findPayment(ctx.records, paymentId);
  if (!payment) {
    ctx.log.warn({ transId, paymentId }, 'VietinBank notice about an unknown payment');
    return answer(transId, NOTICE_ANSWERS.unknownPayment, false, { refused: 'unknown payment', transId, paymentId });
  }
  if (amount !== String(payment.data.amount)) {
    // Money arrived, but not the fee: not marked paid. Answered 03, the bank may repeat the notice; every copy is in
    // the audit log with both amounts, for an operator to settle with the payer.
    const amounts = { noticeAmount: amount, paymentAmount: payment.data.amount };
    ctx.log.error({ transId, paymentId, ...amounts }, 'VietinBank notice with another amount than the payment');
    return answer(transId, NOTICE_ANSWERS.amountMismatch, false, { refused: 'amount mismatch', transId, paymentId, ...amounts });
  }
  const paidAt = toVietnamIso(fromTransTime(notice.output.transTime) ?? new Date());
  const paid = await markPaid(ctx.records, payment, { bankTransId, paidAt });
  if (paid) {
    ctx.log.info({ transId, paymentId }, 'payment paid');
    return answer(transId, NOTICE_ANSWERS.accepted, true, { transId, paymentId, bankTransId, duplicate: false });
  }
  // Already paid: a repeat answers success too, or the bank keeps sending it. Another bank transaction for the
  // same payment means the payer paid twice: taken, and flagged for an operator.
  const current = await findPayment(ctx.records, paymentId);
  const recorded = current?.data.bankTransId;
  const secondPayment = recorded !== undefined && recorded !== '' && recorded !== bankTransId;
  if (secondPayment) ctx.log.error({ transId, paymentId }, 'a second bank transaction for a paid payment');
  else ctx.log.info({ transId, paymentId }, 'a repeated notice of a paid payment');
  const summary = { transId, paymentId, bankTransId, duplicate: true, ...(secondPayment ? { secondPayment } : {}) };
  return answer(transId, NOTICE_ANSWERS.accepted, true, summary);
}
