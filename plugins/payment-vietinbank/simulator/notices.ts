/**
 * The bank's payment notices: posted to the payment's notify URL when the payer pays, or held back (as when the
 * bank's notifier is late) until a test sends them; the last one can be sent again, several copies at once.
 */
import type { ReceivedLedger, SimulatorOptions } from '../../../core/sdk/index.ts';
import type { Bank, BankPayment } from './bank.ts';

/** One notice sent, as `GET /__received` lists it. */
export interface SentNotice {
  kind: 'notice';
  paymentId: string;
  transId: string;
  /** The gateway's HTTP status, or undefined when it could not be reached. */
  httpStatus: number | undefined;
  /** The gateway's answer: errorCode 00 means taken. */
  errorCode: string | undefined;
  errorDesc: string | undefined;
  /** Whether the answer carried the agency's valid signature. */
  answerVerified: boolean;
  sentAt: string;
}

export type NoticeDelivery = 'auto' | 'held';

export function createNotifier(bank: Bank, received: Pick<ReceivedLedger<never, SentNotice>, 'record'>, log: SimulatorOptions['log'] | undefined) {
  const settings: { delivery: NoticeDelivery } = { delivery: 'auto' };
  let last: BankPayment | undefined;

  async function send(payment: BankPayment): Promise<SentNotice> {
    const body = bank.notice(payment);
    const entry: SentNotice = {
      kind: 'notice',
      paymentId: payment.billNo,
      transId: String(body.transId),
      httpStatus: undefined,
      errorCode: undefined,
      errorDesc: undefined,
      answerVerified: false,
      sentAt: new Date().toISOString(),
    };
    try {
      const response = await fetch(payment.notifyUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(10_000),
      });
      entry.httpStatus = response.status;
      const answer: unknown = await response.json().catch(() => undefined);
      if (answer !== null && typeof answer === 'object') {
        const fields = answer as Record<string, unknown>;
        entry.errorCode = typeof fields.errorCode === 'string' ? fields.errorCode : undefined;
        entry.errorDesc = typeof fields.errorDesc === 'string' ? fields.errorDesc : undefined;
        entry.answerVerified = fields.transId === entry.transId && bank.verifyNoticeAnswer(fields);
      }
    } catch (error) {
      log?.warn({ paymentId: entry.paymentId, err: error instanceof Error ? error.message : String(error) }, 'notice not delivered');
    }
    received.record(entry);
    log?.info({ paymentId: entry.paymentId, errorCode: entry.errorCode }, 'payment notice sent');
    return entry;
  }

  return {
    settings,
    /** A payment was just paid: its notice goes out now, unless notices are held. */
    async paid(payment: BankPayment): Promise<SentNotice | undefined> {
      last = payment;
      return settings.delivery === 'auto' ? send(payment) : undefined;
    },
    /** Sends the notice of `paymentId` (default: the last payment paid) `copies` times at once. */
    async resend(paymentId: string | undefined, copies: number): Promise<SentNotice[] | undefined> {
      const payment = paymentId === undefined ? last : bank.find(paymentId);
      if (!payment || payment.state !== 'paid') return undefined;
      return Promise.all(Array.from({ length: copies }, () => send(payment)));
    },
  };
}
