/**
 * The one place that says what VietinBank's codes mean. `00` is success; `05`/`07` (duplicate transaction or
 * requestId) mean an earlier try got through, so the payment is looked up, never created twice. Codes other than
 * 00, 05 and 07 are not public: the rows below are this plugin's reading, and a code missing from the table is
 * retryable (an unknown answer must not lose a payment).
 */
import { PermanentError, RetryableError, codeTable, maskedExcerpt, type CodeRow } from '../../core/sdk/index.ts';

export type Verdict = 'success' | 'duplicate' | 'not-found' | 'permanent' | 'retryable';

/** `status.code` in the bank's answer. */
export const ANSWER_CODES = codeTable<CodeRow<Verdict>>([
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
]);

/** A payment's state as the inquiry reports it in `transStatus`. */
export const TRANSACTION_STATES = codeTable<{ code: string; state: 'pending' | 'paid' | 'failed' | 'expired'; meaning: string }>([
  { code: '00', state: 'paid', meaning: 'paid' },
  { code: '01', state: 'pending', meaning: 'waiting for the payer' },
  { code: '02', state: 'failed', meaning: 'declined or cancelled by the payer' },
  { code: '03', state: 'expired', meaning: 'expired at the bank' },
]);

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
  const row = ANSWER_CODES.find(code);
  const said = message ? `: ${maskedExcerpt(message)}` : '';
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
