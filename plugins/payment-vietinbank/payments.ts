/**
 * A payment as the gateway keeps it (one record per paymentId, in the instance's records) and the events its
 * changes emit. The state changes are test-and-set transitions, so each event is emitted exactly once:
 *   pending → paid      emits payment.succeeded (also from expired or failed: the bank's word that money arrived wins)
 *   pending → failed    emits payment.failed { status: 'failed' }  (declined or cancelled at the bank, or never registered)
 *   pending → expired   emits payment.failed { status: 'expired' } (not paid in time; one event type for "will not be paid")
 */
import * as v from 'valibot';
import type { GatewayEvent, PluginRecord, PluginRecords } from '../../core/sdk/index.ts';

export type PaymentStatus = 'pending' | 'paid' | 'failed' | 'expired';

const paymentDataSchema = v.looseObject({
  requestId: v.string(),
  amount: v.number(),
  agency: v.string(),
  dossierCode: v.string(),
  expiresAt: v.string(),
  bankTransId: v.optional(v.string()),
  paidAt: v.optional(v.string()),
  reason: v.optional(v.string()),
  /** Closed by a refusal that says "try again" (busy, clock skew): a create repeated with the same id reopens it. */
  retryableRefusal: v.optional(v.boolean()),
});

export type PaymentData = v.InferOutput<typeof paymentDataSchema>;

export interface Payment {
  paymentId: string;
  status: PaymentStatus;
  data: PaymentData;
  createdAt: string;
  updatedAt: string;
}

const STATUSES = new Set<string>(['pending', 'paid', 'failed', 'expired']);

/** The record as a payment, or undefined when it is not one this plugin wrote. */
export function paymentOf(record: PluginRecord | undefined): Payment | undefined {
  if (!record || !STATUSES.has(record.status)) return undefined;
  const data = v.safeParse(paymentDataSchema, record.data);
  if (!data.success) return undefined;
  return { paymentId: record.key, status: record.status as PaymentStatus, data: data.output, createdAt: record.createdAt, updatedAt: record.updatedAt };
}

export async function findPayment(records: PluginRecords, paymentId: string): Promise<Payment | undefined> {
  return paymentOf(await records.get(paymentId));
}

/** What the bank says of a paid payment; an inquiry may not name the bank transaction. */
export interface PaidFacts {
  bankTransId: string | undefined;
  paidAt: string;
}

export function succeededEvent(payment: Payment, paid: PaidFacts): GatewayEvent {
  const { agency, dossierCode, amount } = payment.data;
  return {
    type: 'payment.succeeded',
    agency,
    orderingKey: payment.paymentId,
    data: { paymentId: payment.paymentId, dossierCode, amount, paidAt: paid.paidAt, ...(paid.bankTransId ? { providerReference: paid.bankTransId } : {}) },
  };
}

export function failedEvent(payment: Payment, status: 'failed' | 'expired', reason: string): GatewayEvent {
  const { agency, dossierCode, amount } = payment.data;
  return { type: 'payment.failed', agency, orderingKey: payment.paymentId, data: { paymentId: payment.paymentId, dossierCode, amount, status, reason } };
}

/** Marks a payment paid once, however many notices or look-ups report it: undefined when it was already paid. */
export async function markPaid(records: PluginRecords, payment: Payment, paid: PaidFacts): Promise<Payment | undefined> {
  const record = await records.transition(payment.paymentId, {
    from: ['pending', 'expired', 'failed'],
    to: 'paid',
    data: { paidAt: paid.paidAt, ...(paid.bankTransId ? { bankTransId: paid.bankTransId } : {}) },
    emit: [succeededEvent(payment, paid)],
  });
  return paymentOf(record);
}

/** Ends a pending payment unpaid, once: undefined when it was no longer pending. */
export async function markUnpaid(
  records: PluginRecords,
  payment: Payment,
  status: 'failed' | 'expired',
  reason: string,
  emit = true,
  extra: Record<string, unknown> = {},
): Promise<Payment | undefined> {
  const record = await records.transition(payment.paymentId, {
    from: ['pending'],
    to: status,
    data: { ...extra, reason },
    ...(emit ? { emit: [failedEvent(payment, status, reason)] } : {}),
  });
  return paymentOf(record);
}
