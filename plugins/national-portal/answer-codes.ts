/**
 * The one place that says what the portal's answers and failures mean for delivery.
 *
 * An answer is `{ error_code, message, … }`; `error_code` 0 (or "0", "00") is success. The portal answers in
 * words, so ANSWER_CODES is read by its message: each row has the pattern the message must match and, for some,
 * the error_code values it applies to; the first matching row wins; what no row matches is retryable (an unknown
 * answer must not lose a message). Where the same answer means something else by what was asked, the caller picks
 * a named row instead (LOGIN_REFUSED for the login, REFERENCE_UNKNOWN for an add, BATCH_UNATTRIBUTED for a batch).
 * Transport failures (no answer, timeouts, HTTP statuses) are classified by TRANSPORT_TABLE.
 * Errors keep the portal's message (bounded, personal data masked) and never carry the session or password.
 */
import * as v from 'valibot';
import { PermanentError, RetryableError, codeTable, maskedExcerpt, type CodeRow } from '../../core/sdk/index.ts';
import type { PortalConfig } from './config.ts';

export type Verdict =
  /** Done. */
  | 'ok'
  /** An add of a dossier the portal already has: resend as an update. */
  | 'exists'
  /** The portal refused the session: log in again, once. */
  | 'session'
  /** The portal does not know the dossier (yet): a progress entry waits for the add; a look-up answers found: false. */
  | 'unknownDossier'
  | 'retryable'
  | 'permanent';

/**
 * `code` is the error code the gateway records for the attempt (the portal's own error_code is added to the
 * message); `pattern`, what the portal's message must match.
 */
export interface ResultRow extends CodeRow<Verdict> {
  /** error_code values this row applies to; a config key reads them from the instance config; absent: every code. */
  errorCodes?: readonly string[] | 'existsCodes' | 'sessionRejectedCodes';
}

/** Whatever the portal said: for rows that go by error_code alone. */
const ANY_MESSAGE = /(?:)/;

/** Also the row of every refusal of the login itself: then the account or its settings are wrong. */
export const LOGIN_REFUSED: ResultRow = {
  code: 'LOGIN_REFUSED',
  pattern: /sai (tên đăng nhập|mật khẩu|thông tin đăng nhập)|tài khoản (bị khóa|không tồn tại)/i,
  verdict: 'permanent',
  meaning: 'the portal refused the account: check username, password and dstcode',
};

export const ANSWER_CODES = codeTable<ResultRow>([
  { code: 'OK', errorCodes: ['0', '00'], pattern: ANY_MESSAGE, verdict: 'ok', meaning: 'accepted' },
  LOGIN_REFUSED,
  { code: 'ALREADY_EXISTS', errorCodes: 'existsCodes', pattern: /đã tồn tại/i, verdict: 'exists', meaning: 'the portal already has this dossier' },
  { code: 'SESSION_REJECTED', errorCodes: 'sessionRejectedCodes', pattern: ANY_MESSAGE, verdict: 'session', meaning: 'the portal refused the session' },
  { code: 'SESSION_REJECTED', pattern: /phiên (làm việc|đăng nhập)|session|token/i, verdict: 'session', meaning: 'the portal refused the session' },
  { code: 'DOSSIER_UNKNOWN', pattern: /không tồn tại|không tìm thấy|chưa được đồng bộ/i, verdict: 'unknownDossier', meaning: 'the portal does not know this dossier yet' },
  { code: 'THROTTLED', pattern: /quá nhiều (yêu cầu|request)|too many requests/i, verdict: 'retryable', meaning: 'the portal asks to slow down' },
  { code: 'PORTAL_BUSY', pattern: /lỗi hệ thống|hệ thống (đang )?bận|quá tải|exception/i, verdict: 'retryable', meaning: 'the portal reported an internal error' },
  {
    code: 'VALIDATION',
    pattern: /không được để trống|bắt buộc|không hợp lệ|sai định dạng|không đúng định dạng|vượt quá/i,
    verdict: 'permanent',
    meaning: 'the portal refused the data',
  },
]);

/**
 * A DOSSIER_UNKNOWN answer to an add: what the portal does not know is something the dossier refers to (its
 * procedure, its unit), not the dossier being added, and no later try will make it known.
 */
export const REFERENCE_UNKNOWN: ResultRow = {
  code: 'REFERENCE_UNKNOWN',
  verdict: 'permanent',
  meaning: 'the portal does not know something the dossier refers to (procedure, field, unit)',
};

/** A refused progress call whose per-entry list does not account for every entry of a message: nothing says they were taken. */
export const BATCH_UNATTRIBUTED: ResultRow = {
  code: 'BATCH_UNATTRIBUTED',
  verdict: 'retryable',
  meaning: 'the portal refused the call without a result for each of these entries',
};

/** Where no row matches. */
export const UNKNOWN_ANSWER: ResultRow = { code: 'UNKNOWN_ANSWER', verdict: 'retryable', meaning: 'an answer the gateway does not know' };

/** The answer as read: error_code as text, the message, and the whole body for what each service reads from it. */
export interface PortalAnswer {
  errorCode: string;
  message: string;
  body: Record<string, unknown>;
}

/** What every answer has: an error_code (a number, or digits as text) and maybe a message. */
export const answerShape = v.looseObject({
  error_code: v.union([v.pipe(v.number(), v.integer(), v.transform(String)), v.pipe(v.string(), v.trim(), v.regex(/^-?\d{1,6}$/))]),
  message: v.optional(v.nullable(v.string()), ''),
});

/** The portal's answer, as read by `answerShape`. */
export function answerOf(body: v.InferOutput<typeof answerShape>): PortalAnswer {
  return { errorCode: body.error_code, message: body.message ?? '', body };
}

/** The row for an answer (error_code and message), the instance's configured codes applied. */
export function rowOf(answer: Pick<PortalAnswer, 'errorCode' | 'message'>, config: Pick<PortalConfig, 'existsCodes' | 'sessionRejectedCodes'>): ResultRow {
  const code = answer.errorCode.trim();
  const appliesTo = (row: ResultRow) => {
    const codes = typeof row.errorCodes === 'string' ? config[row.errorCodes] : row.errorCodes;
    return !codes || codes.some((candidate) => candidate === code || Number(candidate) === Number(code));
  };
  return ANSWER_CODES.find(answer.message, appliesTo) ?? UNKNOWN_ANSWER;
}

/**
 * The gateway's error for a row that is not `ok`, naming what was asked and keeping the portal's message.
 * `expected`: the caller knows this answer is one a working portal gives (progress for a dossier whose add is
 * still on its way): retried, but not counted against the portal by the circuit breaker.
 */
export function errorOf(row: ResultRow, answer: Pick<PortalAnswer, 'errorCode' | 'message'>, about: string, expected = false): RetryableError | PermanentError {
  const said = maskedExcerpt(answer.message) || '(no message)';
  const text = `the portal answered error_code ${answer.errorCode} to ${about}: ${said} (${row.meaning})`;
  // 'exists' reaches here only for what is not an add: nothing to turn it into.
  if (row.verdict === 'permanent' || row.verdict === 'exists') return new PermanentError(text, { code: row.code });
  return new RetryableError(text, { code: row.code, ...(expected ? { providerFault: false } : {}) });
}

/**
 * What a call that got no portal answer threw, already classified by the SDK's requestJson and the instance's
 * client: no answer, timeouts, aborts, 5xx, 408, 425 and 429 are retryable, other 4xx permanent; an answer that is
 * not JSON with an error_code is retryable MALFORMED_ANSWER. On a service call (not the login)
 * HTTP 401 and 403 mean the session was refused (`refusesSession`). Whatever else is thrown is retryable.
 */
export const TRANSPORT_TABLE = [
  { when: 'no answer: connection refused or reset, DNS failure', verdict: 'retryable' },
  { when: 'timeout or abort', verdict: 'retryable' },
  { when: 'HTTP 5xx, 408, 425, 429 (with Retry-After)', verdict: 'retryable' },
  { when: 'HTTP 401, 403 on a service call', verdict: 'session' },
  { when: 'other HTTP 4xx, and 401/403 on the login', verdict: 'permanent' },
] as const;

export function transportFailure(error: unknown): RetryableError | PermanentError {
  if (error instanceof PermanentError || error instanceof RetryableError) return error;
  return new RetryableError(error instanceof Error ? error.message : 'the call to the portal failed', { code: 'NETWORK_ERROR' });
}

/** HTTP 401 or 403 to a service call: the portal refused the session, not the data. */
export function refusesSession(failure: RetryableError | PermanentError): boolean {
  return failure instanceof PermanentError && (failure.code === 'HTTP_401' || failure.code === 'HTTP_403');
}
