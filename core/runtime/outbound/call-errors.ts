import { PermanentError, RetryableError } from '../../sdk/errors.ts';

/**
 * The plugin contract's errors for what can go wrong with an outbound call, whichever way it went out (through
 * axios, or the direct path of core's own plugins): one wording for both. Messages name the host only: URLs may
 * carry credentials and bodies personal data.
 */

/** The code of an answer over the size limit: the same answer will be as large next time. */
export const RESPONSE_TOO_LARGE = 'RESPONSE_TOO_LARGE';

/** Mistakes in the call itself (a bad URL, a body the client cannot send): the next attempt makes the same one. */
export const MALFORMED_CALL = new Set(['ERR_INVALID_URL', 'ERR_BAD_OPTION_VALUE', 'ERR_BAD_OPTION', 'ERR_INVALID_ARG_TYPE', 'ERR_INVALID_ARG_VALUE', 'UND_ERR_INVALID_ARG']);

export function tooLargeError(host: string, limit: number | undefined): PermanentError {
  return new PermanentError(`the answer from ${host} is over ${limit} bytes`, { code: RESPONSE_TOO_LARGE });
}

export function malformedCallError(host: string, code: string): PermanentError {
  return new PermanentError(`the call to ${host} is malformed (${code})`, { code });
}

export function abortedError(host: string): RetryableError {
  return new RetryableError(`call to ${host} aborted`, { code: 'ABORTED' });
}

/** No answer in time, though the process did not run meanwhile (see ../deadline.ts): retried, not the provider's fault. */
export function timedOutAfterPauseError(host: string, code: string): RetryableError {
  return new RetryableError(`no answer from ${host} in time, but the gateway process did not run meanwhile (stopped, a frozen VM or a blocked event loop); not the provider's fault`, {
    code,
    providerFault: false,
  });
}

/** No answer: a timeout, a refused or reset connection, a DNS failure. */
export function noAnswerError(host: string, code: string): RetryableError {
  return new RetryableError(`${code} calling ${host}`, { code });
}

/** A refused connection, a reset, a DNS failure: the code the socket error carries, as axios reports it. */
export function networkCode(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  const code = (cause as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'ERR_NETWORK';
}
