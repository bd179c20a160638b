import { describe, expect, it } from 'vitest';
import { RateLimiter } from './rate-limiter.ts';

const T0 = 1_000_000;

describe('RateLimiter', () => {
  it('has no limit at 0', () => {
    const limiter = new RateLimiter(0);
    limiter.take(1_000, T0);
    expect(limiter.available(T0)).toBe(Number.POSITIVE_INFINITY);
  });

  it('starts with one second worth of tokens and refills at the rate', () => {
    const limiter = new RateLimiter(2);
    expect(limiter.available(T0)).toBe(2);
    limiter.take(2, T0);
    expect(limiter.available(T0)).toBe(0);
    expect(limiter.available(T0 + 499)).toBe(0);
    expect(limiter.available(T0 + 500)).toBe(1);
    expect(limiter.available(T0 + 1_000)).toBe(2);
  });

  it('never holds more than one second worth of tokens', () => {
    const limiter = new RateLimiter(5);
    expect(limiter.available(T0 + 60_000)).toBe(5);
    limiter.take(5, T0 + 60_000);
    expect(limiter.available(T0 + 60_200)).toBe(1);
  });

  it('allows one attempt at a time below one per second', () => {
    const limiter = new RateLimiter(0.5);
    expect(limiter.available(T0)).toBe(1);
    limiter.take(1, T0);
    expect(limiter.available(T0 + 1_000)).toBe(0);
    expect(limiter.available(T0 + 2_000)).toBe(1);
  });

  it('does not refill when the clock goes back', () => {
    const limiter = new RateLimiter(2);
    limiter.take(2, T0);
    expect(limiter.available(T0 - 5_000)).toBe(0);
    expect(limiter.available(T0 - 4_000)).toBe(2);
  });
});
