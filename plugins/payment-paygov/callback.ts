/**
 * The platform's result callback (`POST /v1/callbacks/{instance}`): verified by MaXacThuc over the RESULT fields,
 * each field checked against its form (result-fields.ts), matched to a payment by MaThamChieu, SoTien and MaTienTe,
 * and applied once. MaLoi `00` is paid; every other MaLoi
 * a payment that failed or was cancelled. A refused notice changes nothing; the core audits every notice with
 * `accepted` and the summary given here.
 */
import * as v from 'valibot';
import { errorMessage, type CallbackContext, type CallbackHandler, type CallbackOutcome } from '../../core/sdk/index.ts';
import { callbackResponse, CALLBACK_ANSWERS, type CallbackAnswer } from './callback-answer.ts';
import type { PaygovConfig } from './config.ts';
import { FIELD_ORDER, type SignedFields } from './fields.ts';
import { isRequestedAmount, markFailed, markPaid, paymentOf } from './payment-record.ts';
import { isPaidResult } from './answer-codes.ts';
import { parseJson } from './parse.ts';
import { resultFieldProblem } from './result-fields.ts';
import { hasValidMaXacThuc } from './signature.ts';
import { isoFromVietnamTimestamp } from './time.ts';

const BODY_LIMIT = 64 * 1024;

/** Values as the platform may send them (SoTien as a number, an empty field as null); hashed as text. */
const value = v.pipe(
  v.optional(v.nullable(v.union([v.string(), v.number()]))),
  v.transform((raw) => (raw === null || raw === undefined ? '' : String(raw))),
);
const resultNotice = v.looseObject({
  ...(Object.fromEntries(FIELD_ORDER.RESULT.map((name) => [name, value])) as Record<(typeof FIELD_ORDER.RESULT)[number], typeof value>),
  MaXacThuc: v.string(),
});

export const resultCallback: CallbackHandler<PaygovConfig> = {
  async handle(request, ctx) {
    try {
      return await handleResult(request, ctx);
    } catch (error) {
      // The store failed us: refused, so the platform sends it again (or the reconcile task finds the result).
      ctx.log.error({ err: errorMessage(error) }, 'could not apply a payment result');
      return refused(CALLBACK_ANSWERS.internal, {});
    }
  },
};

async function handleResult(request: Request, ctx: CallbackContext<PaygovConfig>): Promise<CallbackOutcome> {
  const text = await request.text();
  if (text.length > BODY_LIMIT) return refused(CALLBACK_ANSWERS.malformed, {});
  const parsed = v.safeParse(resultNotice, parseJson(text));
  if (!parsed.success) return refused(CALLBACK_ANSWERS.malformed, {});
  const notice = parsed.output;
  const fields = Object.fromEntries(FIELD_ORDER.RESULT.map((name) => [name, notice[name]])) as SignedFields<'RESULT'>;
  const about = { MaDoiTac: fields.MaDoiTac, MaThamChieu: fields.MaThamChieu, ThoiGianGD: fields.ThoiGianGD };
  const summary = { paymentId: fields.MaThamChieu.slice(0, 64), maLoi: fields.MaLoi.slice(0, 8) };

  if (!hasValidMaXacThuc('RESULT', fields, notice.MaXacThuc, ctx.config.secret.reveal())) {
    ctx.log.warn({ paymentId: summary.paymentId }, 'payment result refused: MaXacThuc does not match');
    return refused(CALLBACK_ANSWERS.badSignature, summary);
  }
  const problem = resultFieldProblem(fields);
  if (problem) {
    // MaXacThuc matches, yet a field is out of form: text moved between fields, or a platform form not foreseen.
    const reason = `${problem.field} is not ${problem.expected}`;
    ctx.log.warn({ paymentId: summary.paymentId, field: problem.field }, `payment result refused: ${reason}`);
    return refused(CALLBACK_ANSWERS.malformed, { ...summary, field: problem.field, reason });
  }
  if (fields.MaDoiTac !== ctx.config.partnerCode) return refused(CALLBACK_ANSWERS.otherPartner, summary, about);
  const payment = paymentOf(await ctx.records.get(fields.MaThamChieu));
  if (!payment) return refused(CALLBACK_ANSWERS.unknownPayment, summary, about);
  if (!isRequestedAmount(payment, { soTien: fields.SoTien, maTienTe: fields.MaTienTe }, ctx.config.currency)) {
    ctx.log.error({ paymentId: payment.paymentId }, 'payment result refused: SoTien or MaTienTe differs from the payment');
    return refused(CALLBACK_ANSWERS.amountMismatch, summary, about);
  }

  const paid = isPaidResult(fields.MaLoi);
  const moved = paid
    ? await markPaid(ctx.records, payment, { providerReference: fields.MaGiaoDich || undefined, paidAt: isoFromVietnamTimestamp(fields.ThoiGianGD) })
    : await markFailed(ctx.records, payment, { code: `MALOI_${fields.MaLoi}` });
  // Not moved: a repeat, or the payment had already ended (a query got there first). Taken all the same.
  if (moved) ctx.log.info({ paymentId: payment.paymentId, status: moved.status }, 'payment result applied');
  return {
    response: callbackResponse(CALLBACK_ANSWERS.taken, about),
    accepted: true,
    summary: { ...summary, outcome: paid ? 'paid' : 'failed', applied: moved !== undefined, status: moved?.status ?? payment.status },
  };
}

function refused(answer: CallbackAnswer, summary: Record<string, unknown>, about: Parameters<typeof callbackResponse>[1] = {}): CallbackOutcome {
  return { response: callbackResponse(answer, about), accepted: false, summary: { ...summary, refused: answer.reason } };
}
