/**
 * `payment/query` and the reconcile task: a final payment answers from its record; a pending one asks the
 * platform (QUERY) and, when the answer is final, moves the record and emits the event with it.
 */
import type { Logger } from 'pino';
import type * as v from 'valibot';
import type { paymentQueryInput, paymentQueryOutput } from '../../core/capabilities/payment.ts';
import { NotFoundError, PermanentError, maskedExcerpt, type OperationContext, type PluginRecords } from '../../core/sdk/index.ts';
import { mismatchedAnswer, postMessage, type PlatformAnswer, type Transport } from './client.ts';
import type { PaygovConfig } from './config.ts';
import { queryMessage } from './messages.ts';
import { isRequestedAmount, markFailed, markPaid, paymentOf, type StoredPayment } from './payment-record.ts';
import { acceptedOrThrow, transactionState } from './answer-codes.ts';
import { isoFromVietnamTimestamp, vietnamTimestamp } from './time.ts';

type QueryInput = v.InferOutput<typeof paymentQueryInput>;
type QueryOutput = v.InferOutput<typeof paymentQueryOutput>;

/** What a refresh needs: the operation's and the task's contexts both have it. */
export interface RefreshContext extends Transport {
  config: PaygovConfig;
  records: PluginRecords;
  log: Logger;
}

export async function run(input: QueryInput, ctx: OperationContext<PaygovConfig>): Promise<QueryOutput> {
  const payment = paymentOf(await ctx.records.get(input.paymentId));
  // Another agency's payment reads as unknown (the same 404, the same words): one agency learns nothing of another's.
  if (!payment || payment.data.agency !== input.agency) {
    throw new NotFoundError(`no payment ${input.paymentId} for this agency`, { code: 'UNKNOWN_PAYMENT' });
  }
  return answerOf(payment.status === 'pending' ? await refresh(payment, ctx) : payment);
}

/** Asks the platform about a pending payment and applies a final answer; answers the payment as it is now. */
export async function refresh(payment: StoredPayment, ctx: RefreshContext): Promise<StoredPayment> {
  const view = await askPlatform(payment, ctx);
  return view.state === 'pending' ? payment : settle(payment, view, ctx);
}

/** What QUERY says of a payment the platform holds; MaLoi 05 (it holds none) is thrown, as every refusal. */
export interface PlatformView {
  state: 'paid' | 'pending' | 'failed';
  trangThaiGD: string;
  answer: PlatformAnswer;
}

export async function askPlatform(payment: StoredPayment, ctx: RefreshContext): Promise<PlatformView> {
  const { config } = ctx;
  const reference = payment.paymentId;
  const time = config.queryTime === 'now' ? vietnamTimestamp(new Date()) : payment.data.transactionTime;
  const answer = await postMessage(config, config.queryPath, ctx, queryMessage(config, { reference, time }));
  acceptedOrThrow(answer.MaLoi, answer.MoTaLoi ?? undefined, { kind: 'QUERY', reference });
  if (answer.MaThamChieu !== undefined && String(answer.MaThamChieu) !== reference) throw mismatchedAnswer(config.endpoint, reference);
  const trangThaiGD = String(answer.TrangThaiGD ?? '').trim();
  const { state, known } = transactionState(trangThaiGD);
  if (!known) ctx.log.warn({ paymentId: reference, trangThaiGD: maskedExcerpt(trangThaiGD) }, 'unknown transaction state: the payment stays pending');
  return { state, trangThaiGD, answer };
}

/** Applies a final state (paid, failed) to the record; answers the payment as it is now. */
export async function settle(payment: StoredPayment, view: PlatformView, ctx: RefreshContext): Promise<StoredPayment> {
  const { config } = ctx;
  const reference = payment.paymentId;
  const { answer } = view;
  if (view.state === 'pending') return payment;
  if (view.state === 'paid') {
    // QUERY's answer form is not public: an amount is checked when the answer has one.
    const maTienTe = typeof answer.MaTienTe === 'string' ? answer.MaTienTe : '';
    if (answer.SoTien !== undefined && !isRequestedAmount(payment, { soTien: String(answer.SoTien), maTienTe }, config.currency)) {
      ctx.log.error({ paymentId: reference }, 'the platform reports a payment of another amount or currency: the payment stays pending');
      throw new PermanentError(`the payment platform reports ${reference} paid with another amount or currency than requested`, { code: 'AMOUNT_MISMATCH' });
    }
    const providerReference = typeof answer.MaGiaoDich === 'string' && answer.MaGiaoDich ? answer.MaGiaoDich : undefined;
    const paidAt = typeof answer.ThoiGianGD === 'string' ? isoFromVietnamTimestamp(answer.ThoiGianGD) : undefined;
    await markPaid(ctx.records, payment, { providerReference, paidAt });
  } else {
    await markFailed(ctx.records, payment, { code: `TRANGTHAIGD_${view.trangThaiGD}` });
  }
  // Whichever move won (ours or a callback's), the record now says how the payment ended.
  return paymentOf(await ctx.records.get(reference)) ?? payment;
}

function answerOf(payment: StoredPayment): QueryOutput {
  const { providerReference, paidAt } = payment.data;
  return {
    paymentId: payment.paymentId,
    status: payment.status,
    amount: payment.data.amount,
    ...(paidAt ? { paidAt } : {}),
    ...(providerReference ? { providerReference } : {}),
  };
}
