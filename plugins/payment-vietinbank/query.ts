/** `query`: the stored state, refreshed from the bank while it is not final. */
import type * as v from 'valibot';
import type { paymentQueryInput, paymentQueryOutput } from '../../core/capabilities/payment.ts';
import { NotFoundError, type OperationContext } from '../../core/sdk/index.ts';
import type { VietinbankConfig } from './config.ts';
import { refreshPayment } from './lookup.ts';
import { findPayment, type Payment } from './payments.ts';
import { toVietnamIso } from './vietnam-time.ts';

type QueryInput = v.InferOutput<typeof paymentQueryInput>;
type QueryOutput = v.InferOutput<typeof paymentQueryOutput>;

export async function query(input: QueryInput, ctx: OperationContext<VietinbankConfig>): Promise<QueryOutput> {
  const stored = await findPayment(ctx.records, input.paymentId);
  // Another agency's payment is answered as unknown: its existence is not the caller's business.
  if (!stored || stored.data.agency !== input.agency) {
    throw new NotFoundError(`no payment ${input.paymentId} for this agency`, { code: 'UNKNOWN_PAYMENT' });
  }
  const payment = await refreshPayment({ config: ctx.config, http: ctx.http, signal: ctx.signal }, ctx.records, stored);
  return queryOutput(payment);
}

function queryOutput(payment: Payment): QueryOutput {
  const { amount, paidAt, bankTransId } = payment.data;
  return {
    paymentId: payment.paymentId,
    status: payment.status,
    amount,
    ...(payment.status === 'paid' && paidAt ? { paidAt: inVietnamTime(paidAt) } : {}),
    ...(payment.status === 'paid' && bankTransId ? { providerReference: bankTransId } : {}),
  };
}

/** A paidAt stored before it was kept in Vietnam time (`…Z`) is answered in the same form as a new one. */
function inVietnamTime(paidAt: string): string {
  const at = Date.parse(paidAt);
  return Number.isNaN(at) ? paidAt : toVietnamIso(new Date(at));
}
