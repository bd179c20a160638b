/**
 * A payment as this plugin keeps it in the gateway's records (key: the paymentId, also MaThamChieu), and the three
 * moves that end it. Each move is a test-and-set with its event queued in the same transaction, so a result
 * that arrives twice (callback and query, or a repeated callback) changes the record and emits once.
 */
import * as v from 'valibot';
import type { GatewayEvent, PluginRecord, PluginRecords } from '../../core/sdk/index.ts';

const PAYMENT_STATUSES = ['pending', 'paid', 'failed', 'expired'] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

const paymentData = v.object({
  agency: v.string(),
  dossierCode: v.string(),
  amount: v.number(),
  /** ThoiGianGD of the INIT, which QUERY repeats. */
  transactionTime: v.string(),
  expiresAt: v.string(),
  /** The payment page INIT answered: a create repeated with the same messageId answers it again. */
  paymentUrl: v.optional(v.string()),
  providerReference: v.optional(v.string()),
  paidAt: v.optional(v.string()),
  /** Why the payment failed: the platform's code, or the INIT's failure (`MALOI_06`, `HTTP_503`, `ETIMEDOUT`…). */
  failureCode: v.optional(v.string()),
  /** The platform refused the INIT for good (a permanent answer): a repeat gets the same refusal, no new INIT. */
  initRefused: v.optional(v.boolean()),
});

export type PaymentData = v.InferOutput<typeof paymentData>;

export interface StoredPayment {
  paymentId: string;
  status: PaymentStatus;
  data: PaymentData;
}

/** The record as a payment; undefined for a record this plugin did not write (or a status it does not know). */
export function paymentOf(record: PluginRecord | undefined): StoredPayment | undefined {
  if (!record) return undefined;
  const data = v.safeParse(paymentData, record.data);
  const status = PAYMENT_STATUSES.find((known) => known === record.status);
  if (!data.success || !status) return undefined;
  return { paymentId: record.key, status, data: data.output };
}

/**
 * Whether a result is about the money this payment asked for: SoTien the same whole VND, and MaTienTe, when the
 * platform names one, the currency of the instance's INIT.
 */
export function isRequestedAmount(payment: StoredPayment, result: { soTien: string; maTienTe: string }, currency: string): boolean {
  return result.soTien === String(payment.data.amount) && (result.maTienTe === '' || result.maTienTe === currency);
}

export interface Settlement {
  providerReference?: string | undefined;
  paidAt?: string | undefined;
  /** The platform's code, for the failed event. */
  code?: string | undefined;
}

/**
 * pending → paid, with `payment.succeeded`. A payment we had marked failed or expired that the platform reports
 * paid moves too: the money was taken, and the one-stop software must hear of it.
 */
export function markPaid(records: PluginRecords, payment: StoredPayment, settlement: Settlement) {
  const data = definedOnly({ providerReference: settlement.providerReference, paidAt: settlement.paidAt });
  const event = paymentEvent('payment.succeeded', payment, data);
  return records.transition(payment.paymentId, { from: ['pending', 'failed', 'expired'], to: 'paid', data, emit: [event] });
}

/** pending → failed, with `payment.failed` (`status: 'failed'`, as for an expiry `status: 'expired'`). */
export function markFailed(records: PluginRecords, payment: StoredPayment, settlement: Settlement) {
  const event = paymentEvent('payment.failed', payment, { status: 'failed', ...definedOnly({ code: settlement.code }) });
  return records.transition(payment.paymentId, { from: ['pending'], to: 'failed', data: definedOnly({ failureCode: settlement.code }), emit: [event] });
}

/** pending → expired, when the payment page's time is long past and the platform still has no result. */
export function markExpired(records: PluginRecords, payment: StoredPayment) {
  const event = paymentEvent('payment.failed', payment, { status: 'expired' });
  return records.transition(payment.paymentId, { from: ['pending'], to: 'expired', emit: [event] });
}

/**
 * Keeps the page INIT answered, and makes the payment pending again if the INIT had failed before (a repeated
 * create whose first INIT got no answer). Undefined when the payment ended meanwhile.
 */
export function keepPage(records: PluginRecords, payment: StoredPayment, paymentUrl: string) {
  return records.transition(payment.paymentId, { from: ['pending', 'failed'], to: 'pending', data: { paymentUrl, failureCode: undefined, initRefused: undefined } });
}

/** An INIT that failed: the payment is failed without an event (the caller hears of it in the answer). */
export function markInitFailed(records: PluginRecords, payment: StoredPayment, failureCode: string, refused: boolean) {
  return records.transition(payment.paymentId, { from: ['pending', 'failed'], to: 'failed', data: { failureCode, initRefused: refused } });
}

/** The event for the one-stop software: what identifies the payment, and how it ended. No payer's data. */
function paymentEvent(type: 'payment.succeeded' | 'payment.failed', payment: StoredPayment, detail: Record<string, string>): GatewayEvent {
  return {
    type,
    agency: payment.data.agency,
    orderingKey: payment.paymentId,
    data: { paymentId: payment.paymentId, dossierCode: payment.data.dossierCode, amount: payment.data.amount, ...detail },
  };
}

function definedOnly(values: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).filter((entry): entry is [string, string] => entry[1] !== undefined));
}
