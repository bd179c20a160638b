import { describe, expect, it } from 'vitest';
import { retryDelay } from './backoff.ts';

const policy = { baseDelayMs: 2_000, maxDelayMs: 600_000 };
const highest = () => 0.999_999;
const lowest = () => 0;

describe('retryDelay', () => {
  it('draws the first wait from [0, base]', () => {
    expect(retryDelay(1, policy, undefined, lowest)).toBe(0);
    const top = retryDelay(1, policy, undefined, highest);
    expect(top).toBeLessThanOrEqual(2_000);
    expect(top).toBeGreaterThan(1_990);
    expect(retryDelay(1, policy, undefined, () => 0.5)).toBe(1_000);
  });

  it('doubles the ceiling with each attempt', () => {
    let previous = 0;
    for (let attempt = 1; attempt <= 8; attempt++) {
      const ceiling = 2_000 * 2 ** (attempt - 1);
      const top = retryDelay(attempt, policy, undefined, highest);
      expect(top).toBeLessThanOrEqual(ceiling);
      expect(top).toBeGreaterThan(ceiling / 2);
      expect(top).toBeGreaterThan(previous);
      expect(retryDelay(attempt, policy, undefined, lowest)).toBe(0);
      previous = top;
    }
  });

  it('never waits longer than the cap, however many attempts', () => {
    for (const attempt of [10, 11, 20, 100, 2_000]) {
      const top = retryDelay(attempt, policy, undefined, highest);
      expect(top).toBeLessThanOrEqual(600_000);
      expect(top).toBeGreaterThan(599_000);
    }
  });

  it('waits at least what the provider asked for, even past the cap', () => {
    expect(retryDelay(1, policy, 30_000, lowest)).toBe(30_000);
    expect(retryDelay(1, policy, 30_000, highest)).toBe(30_000);
    expect(retryDelay(1, policy, 900_000, highest)).toBe(900_000);
    // A shorter Retry-After does not shorten the backoff.
    expect(retryDelay(5, policy, 10, () => 0.5)).toBe(16_000);
  });

  it('treats attempt 0 or less like the first', () => {
    expect(retryDelay(0, policy, undefined, highest)).toBeLessThanOrEqual(2_000);
    expect(retryDelay(-3, policy, undefined, highest)).toBeLessThanOrEqual(2_000);
  });
});
