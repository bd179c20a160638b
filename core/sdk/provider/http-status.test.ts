import { describe, expect, it } from 'vitest';
import { PermanentError, RetryableError } from '../errors.ts';
import { httpStatusError } from './http-status.ts';

describe('httpStatusError', () => {
  it.each([500, 502, 503, 504, 599, 408, 425, 429])('HTTP %s is retryable, after the Retry-After given', (status) => {
    const error = httpStatusError(status, 'bank.test', '7');
    expect(error).toBeInstanceOf(RetryableError);
    expect(error).toMatchObject({ code: `HTTP_${status}`, message: `HTTP ${status} from bank.test`, retryAfterMs: 7_000 });
  });

  it.each([300, 302, 400, 401, 403, 404, 409, 410, 413, 422])('HTTP %s is permanent', (status) => {
    const error = httpStatusError(status, 'bank.test', '7');
    expect(error).toBeInstanceOf(PermanentError);
    expect(error).toMatchObject({ code: `HTTP_${status}`, message: `HTTP ${status} from bank.test` });
  });

  it('has no retry-after when the server gave none', () => {
    expect(httpStatusError(503, 'bank.test')).toMatchObject({ retryAfterMs: undefined });
  });
});
