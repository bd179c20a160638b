/**
 * The one place that says what the card service's and the registry's answers mean. Every provider code, OAuth2
 * error and HTTP status the plugin acts on is a row of ANSWER_CODES, every status text a row of PROFILE_STATUSES;
 * what is not in them is retryable (answers) or passed through as written (statuses). Errors name the service, code and meaning, never the API key,
 * a PIN, a token or a person's name.
 */
import { PermanentError, RetryableError, codeTable, maskedExcerpt, type CodeRow } from '../../core/sdk/index.ts';

/**
 * - `ok`: the answer carries what was asked.
 * - `not-found`: the service does not know the card, tax code or document (a tax code then goes to the registry).
 * - `wrong-secret`: a wrong PIN or one-time code: `verified: false`, the card still open.
 * - `locked`: the provider locked the card after repeated failures.
 * - `token-rejected`: the registry refused the bearer token: renew it once and try again.
 */
export type Verdict = 'ok' | 'not-found' | 'wrong-secret' | 'locked' | 'token-rejected' | 'permanent' | 'retryable';

/** Normalised profile status for the one-stop software; a provider text not in the table passes through. */
export type ProfileStatus = 'active' | 'suspended' | 'revoked' | 'expired' | 'dissolving' | 'dissolved';

/**
 * - `card`: the card service's `code` in its JSON envelope;
 * - `token`: the OAuth2 `error` of NGSP's token endpoint;
 * - `registry`: the registry look-up (NGSP answers 200 with `Data` empty for an unknown tax code);
 * - `http`: an HTTP status whose body carries no code we know (`5xx` stands for every 5xx);
 * - `card-status`, `registry-status`: the profile's status as each service writes it.
 */
export type AnswerService = 'card' | 'token' | 'registry' | 'http';
export type StatusService = 'card-status' | 'registry-status';

export type AnswerRow = CodeRow<Verdict> & { service: AnswerService };
export type StatusRow = { service: StatusService; code: string; status: ProfileStatus; meaning: string };
export type ResultRow = AnswerRow | StatusRow;

export const ANSWER_CODES = codeTable<AnswerRow>([
  { service: 'card', code: '00', verdict: 'ok', meaning: 'success' },
  { service: 'card', code: '01', verdict: 'not-found', meaning: 'the card service knows no such card' },
  { service: 'card', code: '02', verdict: 'not-found', meaning: 'the card service knows no business with this tax code' },
  { service: 'card', code: '03', verdict: 'not-found', meaning: 'the card has no such document' },
  { service: 'card', code: '10', verdict: 'wrong-secret', meaning: 'wrong PIN' },
  { service: 'card', code: '11', verdict: 'wrong-secret', meaning: 'wrong or expired one-time code' },
  { service: 'card', code: '12', verdict: 'locked', meaning: 'the card is locked after repeated failed verifications' },
  { service: 'card', code: '13', verdict: 'permanent', meaning: 'the card is not active (revoked or expired): it cannot be verified' },
  { service: 'card', code: '40', verdict: 'permanent', meaning: 'the card service refused the request as invalid' },
  { service: 'card', code: '41', verdict: 'permanent', meaning: 'the card service refused the API key' },
  { service: 'card', code: '42', verdict: 'permanent', meaning: 'the API key may not do this (or the IP address is not allowed)' },
  { service: 'card', code: '49', verdict: 'retryable', meaning: 'the card service is throttling this client' },
  { service: 'card', code: '99', verdict: 'retryable', meaning: 'the card service reported an internal error' },

  { service: 'token', code: 'invalid_client', verdict: 'permanent', meaning: 'NGSP refused the consumer key or secret' },
  { service: 'token', code: 'unauthorized_client', verdict: 'permanent', meaning: 'the consumer may not use client credentials' },
  { service: 'token', code: 'invalid_request', verdict: 'permanent', meaning: 'NGSP found the token request malformed' },
  { service: 'token', code: 'unsupported_grant_type', verdict: 'permanent', meaning: 'NGSP does not offer client credentials here' },
  { service: 'token', code: 'invalid_scope', verdict: 'permanent', meaning: 'NGSP refused the scope' },
  { service: 'token', code: 'server_error', verdict: 'retryable', meaning: 'NGSP could not issue a token just now' },
  { service: 'token', code: 'temporarily_unavailable', verdict: 'retryable', meaning: 'NGSP is temporarily unable to issue tokens' },

  { service: 'registry', code: 'found', verdict: 'ok', meaning: 'the registry has the business' },
  { service: 'registry', code: 'empty', verdict: 'not-found', meaning: 'the registry knows no business with this tax code' },
  { service: 'registry', code: 'HTTP_401', verdict: 'token-rejected', meaning: 'NGSP refused the bearer token (expired or revoked)' },

  { service: 'http', code: '400', verdict: 'permanent', meaning: 'the request was refused as malformed' },
  { service: 'http', code: '401', verdict: 'permanent', meaning: 'the credentials were refused' },
  { service: 'http', code: '403', verdict: 'permanent', meaning: 'access was refused' },
  { service: 'http', code: '404', verdict: 'permanent', meaning: 'no such path: check the configured base URL and paths' },
  { service: 'http', code: '408', verdict: 'retryable', meaning: 'the provider timed out reading the request' },
  { service: 'http', code: '413', verdict: 'permanent', meaning: 'the provider found the request too large' },
  { service: 'http', code: '429', verdict: 'retryable', meaning: 'the provider is throttling this client' },
  { service: 'http', code: '5xx', verdict: 'retryable', meaning: 'the provider failed or is unavailable' },
]);

/** Status texts compare in NFC, case-insensitive, with runs of spaces as one. */
const normaliseText = (text: string) => text.normalize('NFC').trim().replace(/\s+/g, ' ').toLocaleLowerCase('vi');

export const PROFILE_STATUSES = codeTable<StatusRow>(
  [
    { service: 'card-status', code: 'ACTIVE', status: 'active', meaning: 'the card is valid' },
    { service: 'card-status', code: 'SUSPENDED', status: 'suspended', meaning: 'the card is suspended' },
    { service: 'card-status', code: 'REVOKED', status: 'revoked', meaning: 'the card was revoked' },
    { service: 'card-status', code: 'EXPIRED', status: 'expired', meaning: 'the card is past its expiry date' },
    { service: 'registry-status', code: 'Đang hoạt động', status: 'active', meaning: 'operating' },
    { service: 'registry-status', code: 'Tạm ngừng kinh doanh', status: 'suspended', meaning: 'business suspended for a time' },
    { service: 'registry-status', code: 'Đang làm thủ tục giải thể', status: 'dissolving', meaning: 'being dissolved' },
    { service: 'registry-status', code: 'Đã giải thể', status: 'dissolved', meaning: 'dissolved' },
    { service: 'registry-status', code: 'Bị thu hồi giấy chứng nhận đăng ký doanh nghiệp', status: 'revoked', meaning: 'registration revoked' },
  ],
  { normalise: normaliseText },
);

export function findAnswer(service: AnswerService, code: string): AnswerRow | undefined {
  return ANSWER_CODES.find(code, (row) => row.service === service);
}

/** The normalised status, or the provider's text as written when the table does not know it. */
export function profileStatus(service: StatusService, raw: string): string {
  return PROFILE_STATUSES.find(raw, (row) => row.service === service)?.status ?? raw.trim();
}

/** The row for an HTTP status with no code we know in its body. */
export function httpRow(status: number): AnswerRow {
  const row = findAnswer('http', status >= 500 ? '5xx' : String(status));
  return row ?? { service: 'http', code: String(status), verdict: status >= 400 ? 'permanent' : 'retryable', meaning: 'an unexpected HTTP status' };
}

/** The error a row that ends the call stands for: permanent rows refuse, everything else may pass on a later try. */
export function errorFor(row: AnswerRow, about: string, retryAfterMs?: number): PermanentError | RetryableError {
  const code = row.service === 'http' ? `HTTP_${row.code}` : row.service === 'card' ? `CARD_${row.code}` : row.code.toUpperCase();
  const message = `${about}: ${row.meaning}`;
  return row.verdict === 'permanent' ? new PermanentError(message, { code }) : new RetryableError(message, { code, retryAfterMs });
}

/** An answer we cannot read is retryable: the next try may get a proper one. */
export function malformedAnswer(about: string, what: string): RetryableError {
  return new RetryableError(`${about}: the answer is not what was expected (${what})`, { code: 'MALFORMED_ANSWER' });
}

/** A code the table does not know must not lose a request: retryable, the code kept for the operator. */
export function unknownCode(about: string, service: AnswerService, code: string): RetryableError {
  return new RetryableError(`${about}: ${service} answered code ${maskedExcerpt(code, 40)}, which is not a known answer`, { code: 'UNKNOWN_RESULT' });
}
