import { describe, expect, it } from 'vitest';
import { ProblemError } from './problem.ts';
import { UnknownKeyLimit } from './unknown-key-limit.ts';

const unauthorized = () => new ProblemError({ status: 401, title: 'Unauthorized' });

describe('UnknownKeyLimit', () => {
  it('answers 401 within the burst, then 429 with the whole seconds to wait', () => {
    const clock = { now: () => 0 };
    const limit = new UnknownKeyLimit({ requestsPerSecond: 0.5, burst: 2 }, clock);
    expect([1, 2].map(() => limit.refusal('203.0.113.7', unauthorized()).problem.status)).toEqual([401, 401]);
    const refused = limit.refusal('203.0.113.7', unauthorized()).problem;
    expect(refused.status).toBe(429);
    expect(refused.headers).toEqual({ 'retry-after': '2' });
    expect(limit.refusal('203.0.113.8', unauthorized()).problem.status).toBe(401);
  });

  it('limits nothing without an address, or at 0 per second', () => {
    const off = new UnknownKeyLimit({ requestsPerSecond: 0, burst: 1 }, { now: () => 0 });
    const limit = new UnknownKeyLimit({ requestsPerSecond: 1, burst: 1 }, { now: () => 0 });
    for (let i = 0; i < 100; i++) {
      expect(off.refusal('203.0.113.7', unauthorized()).problem.status).toBe(401);
      expect(limit.refusal(undefined, unauthorized()).problem.status).toBe(401);
    }
    expect(off.addresses + limit.addresses).toBe(0);
  });

  it('keeps a bounded count however many addresses fail, and forgets them once they are quiet', () => {
    let now = 0;
    const limit = new UnknownKeyLimit({ requestsPerSecond: 1, burst: 2 }, { now: () => now }, 100);
    for (let i = 0; i < 5_000; i++) limit.refusal(`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, unauthorized());
    expect(limit.addresses).toBeLessThanOrEqual(100);
    // A minute later every bucket is full again: the next refusal sweeps them all away.
    now = 61_000;
    limit.refusal('203.0.113.7', unauthorized());
    expect(limit.addresses).toBe(1);
  });
});
