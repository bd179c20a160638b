/**
 * Sends a payment's INIT and keeps the page it answers in the payment's record, so a create repeated with the same
 * messageId can answer it again. The INIT is built from the record (MaThamChieu, ThoiGianGD) and the call's input,
 * so a second INIT of the same payment is the first one again, field for field and hash for hash.
 */
import type * as v from 'valibot';
import type { paymentCreateInput, paymentCreateOutput } from '../../core/capabilities/payment.ts';
import { errorMessage, PermanentError, type OperationContext } from '../../core/sdk/index.ts';
import { malformedAnswer, mismatchedAnswer, postMessage } from './client.ts';
import type { PaygovConfig } from './config.ts';
import { transactionInfo } from './description.ts';
import { initMessage } from './messages.ts';
import { isHttpUrl } from './parse.ts';
import { keepPage, markInitFailed, type StoredPayment } from './payment-record.ts';
import { acceptedOrThrow, failureCode } from './answer-codes.ts';

export type CreateInput = v.InferOutput<typeof paymentCreateInput>;
export type CreateOutput = v.InferOutput<typeof paymentCreateOutput>;

export async function openPage(payment: StoredPayment, input: CreateInput, ctx: OperationContext<PaygovConfig>): Promise<CreateOutput> {
  const { config } = ctx;
  const { paymentId } = payment;
  const message = initMessage(config, {
    reference: paymentId,
    amount: payment.data.amount,
    info: transactionInfo(input.description, config.plainDescription),
    time: payment.data.transactionTime,
    callbackUrl: ctx.callbackUrl,
    returnUrl: input.returnUrl,
  });
  let paymentUrl: string;
  try {
    const answer = await postMessage(config, config.initPath, ctx, message);
    acceptedOrThrow(answer.MaLoi, answer.MoTaLoi ?? undefined, { kind: 'INIT', reference: paymentId });
    if (answer.MaThamChieu !== undefined && String(answer.MaThamChieu) !== paymentId) throw mismatchedAnswer(config.endpoint, paymentId);
    const page = answer[config.paymentUrlField];
    if (!isHttpUrl(page)) throw malformedAnswer(config.endpoint);
    paymentUrl = page;
  } catch (error) {
    // A refusal is for good; after a timeout or a 5xx the platform may hold the payment, and a repeat asks it first.
    await markInitFailed(ctx.records, payment, failureCode(error), error instanceof PermanentError).catch((failure: unknown) =>
      ctx.log.error({ paymentId, err: errorMessage(failure) }, 'could not mark a payment the platform did not open as failed'),
    );
    throw error;
  }
  const kept = await keepPage(ctx.records, payment, paymentUrl);
  if (!kept) ctx.log.warn({ paymentId }, 'the payment ended while its page was being opened');
  ctx.log.info({ paymentId, amount: payment.data.amount }, 'the payment platform opened a payment');
  return { paymentId, paymentUrl, expiresAt: payment.data.expiresAt };
}
