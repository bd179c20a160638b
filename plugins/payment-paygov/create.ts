/**
 * `payment/create`: keeps the payment as a pending record first (so the platform's result always finds it), then
 * sends INIT and answers the payment page. A payment the platform did not take is marked failed, without an
 * event: the caller hears of it in the answer.
 */
import type * as v from 'valibot';
import type { paymentCreateInput, paymentCreateOutput } from '../../core/capabilities/payment.ts';
import { errorMessage, PermanentError, type OperationContext } from '../../core/plugin.ts';
import { malformedAnswer, mismatchedAnswer, postMessage } from './client.ts';
import type { PaygovConfig } from './config.ts';
import { transactionInfo } from './description.ts';
import { initMessage } from './messages.ts';
import { isHttpUrl } from './parse.ts';
import type { PaymentData } from './payment-record.ts';
import { acceptedOrThrow, failureCode } from './results.ts';
import { vietnamTimestamp } from './time.ts';

type CreateInput = v.InferOutput<typeof paymentCreateInput>;
type CreateOutput = v.InferOutput<typeof paymentCreateOutput>;

/** MaThamChieu and paymentId: the message id's letters and digits (`msg_01J…` → `PG01J…`), unique per call. */
export function paymentIdOf(messageId: string): string {
  return `PG${messageId.replace(/^msg_/, '').replace(/[^0-9A-Za-z]/g, '')}`.slice(0, 40);
}

export async function run(input: CreateInput, ctx: OperationContext<PaygovConfig>): Promise<CreateOutput> {
  const { config } = ctx;
  const paymentId = paymentIdOf(ctx.messageId);
  const now = new Date();
  const time = vietnamTimestamp(now);
  const expiresAt = new Date(now.getTime() + config.paymentTtlMinutes * 60_000).toISOString();
  const data: PaymentData = { agency: input.agency, dossierCode: input.dossierCode, amount: input.amount, transactionTime: time, expiresAt };
  const { created } = await ctx.records.create(paymentId, 'pending', data);
  if (!created) throw new PermanentError(`payment ${paymentId} exists already`, { code: 'DUPLICATE_PAYMENT' });

  const message = initMessage(config, {
    reference: paymentId,
    amount: input.amount,
    info: transactionInfo(input.description, config.plainDescription),
    time,
    callbackUrl: ctx.callbackUrl,
    returnUrl: input.returnUrl,
  });
  try {
    const answer = await postMessage(config, config.initPath, ctx, message);
    acceptedOrThrow(answer.MaLoi, answer.MoTaLoi ?? undefined, { kind: 'INIT', reference: paymentId });
    if (answer.MaThamChieu !== undefined && String(answer.MaThamChieu) !== paymentId) throw mismatchedAnswer(config.endpoint, paymentId);
    const paymentUrl = answer[config.paymentUrlField];
    if (!isHttpUrl(paymentUrl)) throw malformedAnswer(config.endpoint);
    ctx.log.info({ paymentId, amount: input.amount }, 'the payment platform opened a payment');
    return { paymentId, paymentUrl, expiresAt };
  } catch (error) {
    await ctx.records
      .transition(paymentId, { from: ['pending'], to: 'failed', data: { failureCode: failureCode(error) } })
      .catch((failure: unknown) => ctx.log.error({ paymentId, err: errorMessage(failure) }, 'could not mark a payment the platform did not open as failed'));
    throw error;
  }
}
