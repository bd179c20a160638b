import { PermanentError, RetryableError } from '../errors.ts';
import { parseRetryAfter } from './retry-after.ts';

/** Statuses below 500 that say "not now" rather than "no": timeout, too early, too many requests. */
const RETRYABLE_STATUS = new Set([408, 425, 429]);

/**
 * A status that is not a success, as the plugin contract's errors: 5xx, 408, 425 and 429 are retryable (after the
 * server's Retry-After, when it gives one); any other status is a refusal a retry cannot change. The message names
 * the host and status only: the URL may carry credentials and the body personal data.
 */
export function httpStatusError(status: number, host: string, retryAfter?: unknown): RetryableError | PermanentError {
  const code = `HTTP_${status}`;
  if (status >= 500 || RETRYABLE_STATUS.has(status)) {
    return new RetryableError(`HTTP ${status} from ${host}`, { code, retryAfterMs: parseRetryAfter(retryAfter) });
  }
  return new PermanentError(`HTTP ${status} from ${host}`, { code });
}
