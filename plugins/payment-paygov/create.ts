/**
 * `payment/create`: keeps the payment as a pending record first (so the platform's result always finds it), then
 * sends INIT and answers the payment page (init.ts). A payment the platform did not take is marked failed, without
 * an event: the caller hears of it in the answer. A create repeated with the same Idempotency-Key reaches this
 * plugin with the first call's messageId, so the same paymentId: it is the same payment again (repeat.ts).
 */
import { PermanentError, type OperationContext } from '../../core/sdk/index.ts';
import type { PaygovConfig } from './config.ts';
import { openPage, type CreateInput, type CreateOutput } from './init.ts';
import { paymentOf, type PaymentData, type StoredPayment } from './payment-record.ts';
import { repeatedCreate } from './repeat.ts';
import { vietnamTimestamp } from './time.ts';

/** MaThamChieu and paymentId: the message id's letters and digits (`msg_01J…` → `PG01J…`), one per message id. */
export function paymentIdOf(messageId: string): string {
  return `PG${messageId.replace(/^msg_/, '').replace(/[^0-9A-Za-z]/g, '')}`.slice(0, 40);
}

export async function run(input: CreateInput, ctx: OperationContext<PaygovConfig>): Promise<CreateOutput> {
  const { config } = ctx;
  const paymentId = paymentIdOf(ctx.messageId);
  const now = new Date();
  const expiresAt = new Date(now.getTime() + config.paymentTtlMinutes * 60_000).toISOString();
  const data: PaymentData = { agency: input.agency, dossierCode: input.dossierCode, amount: input.amount, transactionTime: vietnamTimestamp(now), expiresAt };
  const { record, created } = await ctx.records.create(paymentId, 'pending', data);
  const payment = paymentOf(record);
  if (!payment || !isPaymentOf(payment, input)) {
    throw new PermanentError(`payment id ${paymentId} is taken by another payment`, { code: 'PAYMENT_ID_TAKEN' });
  }
  return created ? openPage(payment, input, ctx) : repeatedCreate(payment, input, ctx);
}

/** The core answers a key reused with another request itself; this guards the paymentId all the same. */
function isPaymentOf(payment: StoredPayment, input: CreateInput): boolean {
  const { agency, dossierCode, amount } = payment.data;
  return agency === input.agency && dossierCode === input.dossierCode && amount === input.amount;
}
