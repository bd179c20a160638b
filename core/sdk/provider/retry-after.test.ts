import { describe, expect, it } from 'vitest';
import { parseRetryAfter } from './retry-after.ts';

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-03-01T08:00:00Z');

  it('reads seconds', () => {
    expect(parseRetryAfter('7', now)).toBe(7_000);
    expect(parseRetryAfter(' 120 ', now)).toBe(120_000);
    expect(parseRetryAfter('0', now)).toBe(0);
  });

  it('reads an HTTP date as the time until then, never below 0', () => {
    expect(parseRetryAfter('Sun, 01 Mar 2026 08:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Sun, 01 Mar 2026 07:00:00 GMT', now)).toBe(0);
  });

  it('gives undefined for nothing, nonsense and numbers too large to mean anything', () => {
    for (const value of [undefined, '', '  ', 'soon', '-5', '1.5', 7, '9'.repeat(30)]) {
      expect(parseRetryAfter(value, now), String(value)).toBeUndefined();
    }
  });
});
