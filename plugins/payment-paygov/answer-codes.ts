/**
 * The one place that says what the platform's codes mean. `MaLoi` answers a message (INIT, QUERY); `TrangThaiGD`
 * is a transaction's state in QUERY's answer; `MaLoi` of a result callback is `00` for paid, anything else a
 * failed or cancelled payment (see callback.ts). Only `00` and TrangThaiGD 1/3/4 are publicly known; the other
 * MaLoi rows are the codes the simulator answers, read the way a partner must react to them. A code not in the
 * table is retryable: an unknown answer must not turn into a refusal.
 */
import { PermanentError, RetryableError, codeTable, maskedExcerpt, type CodeRow } from '../../core/sdk/index.ts';

/** A row reads one field of the platform's answers: MaLoi (a verdict) or TrangThaiGD (a transaction's state). */
export type AnswerRow =
  | (CodeRow<'ok' | 'permanent' | 'retryable'> & { field: 'MaLoi' })
  | { field: 'TrangThaiGD'; code: string; state: 'paid' | 'pending' | 'failed'; meaning: string };

/** MaLoi of a QUERY about a MaThamChieu the platform never took. */
const UNKNOWN_TRANSACTION = '05';

export const ANSWER_CODES = codeTable<AnswerRow>([
  { field: 'MaLoi', code: '00', verdict: 'ok', meaning: 'the platform took the message' },
  // The instance config (partner code, secret) or our message is wrong: a retry sends the same again.
  { field: 'MaLoi', code: '01', verdict: 'permanent', meaning: 'MaXacThuc does not match: check the shared secret' },
  { field: 'MaLoi', code: '02', verdict: 'permanent', meaning: 'the platform does not know the partner code (MaDoiTac)' },
  { field: 'MaLoi', code: '03', verdict: 'permanent', meaning: 'the message lacks a field or has one in the wrong form' },
  { field: 'MaLoi', code: '04', verdict: 'permanent', meaning: 'this MaThamChieu was used by an earlier transaction' },
  { field: 'MaLoi', code: UNKNOWN_TRANSACTION, verdict: 'permanent', meaning: 'the platform has no transaction with this MaThamChieu' },
  { field: 'MaLoi', code: '06', verdict: 'permanent', meaning: 'the amount is not one the platform accepts' },
  // The platform's own trouble: the next try may pass.
  { field: 'MaLoi', code: '96', verdict: 'retryable', meaning: 'the platform is under maintenance' },
  { field: 'MaLoi', code: '99', verdict: 'retryable', meaning: 'the platform reported an unspecified error' },
  { field: 'TrangThaiGD', code: '1', state: 'paid', meaning: 'paid' },
  { field: 'TrangThaiGD', code: '3', state: 'pending', meaning: 'waiting for the payer' },
  { field: 'TrangThaiGD', code: '4', state: 'failed', meaning: 'failed or cancelled' },
]);

/** The row for a code of `field` (surrounding spaces ignored), typed by the field. */
function rowOf<F extends AnswerRow['field']>(field: F, code: string): Extract<AnswerRow, { field: F }> | undefined {
  return ANSWER_CODES.find(code, (row): row is Extract<AnswerRow, { field: F }> => row.field === field);
}

/** What a message was, for errors: the kind and our reference, nothing personal. */
export interface MessageAbout {
  kind: 'INIT' | 'QUERY';
  reference: string;
}

/** Returns when MaLoi says the platform took the message; throws the error the gateway acts on otherwise. */
export function acceptedOrThrow(maLoi: string, description: string | undefined, about: MessageAbout): void {
  const row = rowOf('MaLoi', maLoi);
  if (row?.verdict === 'ok') return;
  const said = description ? `: ${maskedExcerpt(description)}` : '';
  const refused = `the payment platform answered MaLoi ${maskedExcerpt(maLoi) || '(none)'} to ${about.kind} ${about.reference}${said}`;
  if (!row) throw new RetryableError(`${refused} (not a known answer)`, { code: 'UNKNOWN_RESULT' });
  const ErrorClass = row.verdict === 'permanent' ? PermanentError : RetryableError;
  throw new ErrorClass(`${refused} (${row.meaning})`, { code: `MALOI_${row.code}` });
}

/** The code a failure carries (`MALOI_01`, `HTTP_503`, `ETIMEDOUT`…), kept in the payment's record; `ERROR` when it has none. */
export function failureCode(error: unknown): string {
  return (error instanceof RetryableError || error instanceof PermanentError ? error.code : undefined) ?? 'ERROR';
}

/** Whether `error` is the platform's answer that it has no transaction with the MaThamChieu asked about. */
export function isUnknownTransaction(error: unknown): boolean {
  return error instanceof PermanentError && error.code === `MALOI_${UNKNOWN_TRANSACTION}`;
}

/** A transaction state from QUERY's TrangThaiGD; an unknown one is not final, so it reads as pending. */
export function transactionState(trangThaiGD: string): { state: 'paid' | 'pending' | 'failed'; known: boolean } {
  const row = rowOf('TrangThaiGD', trangThaiGD);
  return row ? { state: row.state, known: true } : { state: 'pending', known: false };
}

/** A result callback's MaLoi: `00` (the table's accepted code) is a paid payment; every other code, a failed one. */
export function isPaidResult(maLoi: string): boolean {
  return rowOf('MaLoi', maLoi)?.verdict === 'ok';
}
