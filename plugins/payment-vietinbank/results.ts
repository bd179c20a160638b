/**
 * The one place that says what VietinBank's codes mean. `00` is success; `05`/`07` (duplicate transaction or
 * requestId) mean an earlier try got through, so the payment is looked up, never created twice. Codes other than
 * 00, 05 and 07 are not public: the rows below are this plugin's reading, and a code missing from the table is
 * retryable (an unknown answer must not lose a payment).
 */
import { PermanentError, RetryableError } from '../../core/sdk/index.ts';

export type Verdict = 'success' | 'duplicate' | 'not-found' | 'permanent' | 'retryable';

export interface ResultRow {
  /** `status.code` in the bank's answer. */
  code: string;
  verdict: Verdict;
  /** For the operator reading the error. */
  meaning: string;
}

export const RESULT_TABLE: readonly ResultRow[] = [
  { code: '00', verdict: 'success', meaning: 'success' },
  { code: '01', verdict: 'permanent', meaning: "the bank could not verify the agency's signature (key pair or field order)" },
  { code: '02', verdict: 'permanent', meaning: 'a required field is missing or malformed' },
  { code: '03', verdict: 'permanent', meaning: 'the provider or merchant is unknown or not active' },
  { code: '04', verdict: 'not-found', meaning: 'the bank has no transaction with that id' },
  { code: '05', verdict: 'duplicate', meaning: 'duplicate transaction: an earlier request registered it' },
  { code: '06', verdict: 'permanent', meaning: 'the bank does not accept the amount' },
  { code: '07', verdict: 'duplicate', meaning: 'duplicate requestId: an earlier request used it' },
  { code: '08', verdict: 'retryable', meaning: "transTime is outside the bank's window (clock skew)" },
  { code: '09', verdict: 'retryable', meaning: 'the bank is busy' },
  { code: '99', verdict: 'retryable', meaning: 'the bank reported a system error' },
];

export function findResultRow(code: string): ResultRow | undefined {
  return RESULT_TABLE.find((row) => row.code === code);
}

/** A payment's state as the inquiry reports it in `transStatus`. */
export const TRANSACTION_STATES: Readonly<Record<string, 'pending' | 'paid' | 'failed' | 'expired'>> = {
  '00': 'paid',
  '01': 'pending',
  // Declined or cancelled by the payer.
  '02': 'failed',
  '03': 'expired',
};

/** What the gateway answers a notice (`errorCode`, `errorDesc`), signed; the bank repeats a notice not answered 00. */
export const NOTICE_ANSWERS = {
  accepted: { errorCode: '00', errorDesc: 'Success' },
  badSignature: { errorCode: '01', errorDesc: 'Invalid signature' },
  malformed: { errorCode: '02', errorDesc: 'Invalid data' },
  amountMismatch: { errorCode: '03', errorDesc: 'Amount does not match the payment' },
  unknownPayment: { errorCode: '04', errorDesc: 'Unknown payment' },
} as const;

export type NoticeAnswer = (typeof NOTICE_ANSWERS)[keyof typeof NOTICE_ANSWERS];

/** The error for an answer whose code is neither success nor duplicate, as the gateway acts on it. */
export function refusal(code: string, message: string | undefined, about: string): RetryableError | PermanentError {
  const row = findResultRow(code);
  const said = message ? `: ${shorten(message)}` : '';
  if (!row) return new RetryableError(`VietinBank answered ${code} to ${about}${said} (not a known code)`, { code: 'UNKNOWN_RESULT' });
  const ErrorClass = row.verdict === 'retryable' ? RetryableError : PermanentError;
  return new ErrorClass(`VietinBank answered ${code} to ${about}${said} (${row.meaning})`, { code });
}

/** A transport failure after which the bank may have taken the request: a look-up decides, not a second try. */
export function mayHaveReachedBank(error: unknown): error is RetryableError {
  if (!(error instanceof RetryableError)) return false;
  return !['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ABORTED'].includes(error.code ?? '');
}

export function badSignature(what: string): PermanentError {
  return new PermanentError(`the signature of VietinBank's ${what} does not verify with the bank's public key`, { code: 'BAD_SIGNATURE' });
}

export function malformedAnswer(what: string): RetryableError {
  return new RetryableError(`VietinBank's ${what} is not the expected signed JSON`, { code: 'MALFORMED_ANSWER' });
}

/** Bank text in an error: one line, bounded, digit runs that could be account numbers masked. */
function shorten(text: string): string {
  const masked = text.replace(/\s+/g, ' ').trim().replace(/\d{9,}/g, (digits) => `${digits.slice(0, 3)}****${digits.slice(-2)}`);
  return masked.length > 200 ? `${masked.slice(0, 200)}…` : masked;
}
