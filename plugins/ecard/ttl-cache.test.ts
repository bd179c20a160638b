import { describe, expect, it } from 'vitest';
import { TtlCache } from './ttl-cache.ts';

function clock() {
  let now = 0;
  return { now: () => now, advance: (ms: number) => void (now += ms) };
}

describe('TtlCache', () => {
  it('is fresh for the TTL, then only stale for the stale window, then gone', () => {
    const time = clock();
    const cache = new TtlCache<string>({ ttlMs: 1000, staleMs: 5000, maxEntries: 10, now: time.now });
    cache.set('k', 'v');
    time.advance(999);
    expect([cache.fresh('k'), cache.stale('k')]).toEqual(['v', 'v']);
    time.advance(1);
    expect([cache.fresh('k'), cache.stale('k')]).toEqual([undefined, 'v']);
    time.advance(5000);
    expect([cache.fresh('k'), cache.stale('k')]).toEqual([undefined, undefined]);
  });

  it('holds nothing with both times 0, and drops the oldest entry past maxEntries', () => {
    const off = new TtlCache<string>({ ttlMs: 0, staleMs: 0, maxEntries: 10 });
    off.set('k', 'v');
    expect(off.stale('k')).toBeUndefined();
    const small = new TtlCache<string>({ ttlMs: 1000, staleMs: 0, maxEntries: 2, now: clock().now });
    small.set('a', '1');
    small.set('b', '2');
    small.set('a', '1 again');
    small.set('c', '3');
    expect([small.fresh('a'), small.fresh('b'), small.fresh('c')]).toEqual(['1 again', undefined, '3']);
  });
});
