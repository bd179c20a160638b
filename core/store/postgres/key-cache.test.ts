import { describe, expect, it } from 'vitest';
import { CoalescedLookup } from '../coalesced-lookup.ts';
import type { ApiKeyRecord } from '../types.ts';
import { ListenedKeyCache } from './key-cache.ts';

const record = (revokedAt: number | null): ApiKeyRecord => ({ id: 'key_a', hash: 'a'.repeat(64), role: 'client', agencies: ['A'], label: null, createdAt: 1, revokedAt });

/** A cache over a table of one key that counts its reads; `hold` keeps the next read unanswered until released. */
function cacheOver(options: { keptMs?: number } = {}) {
  const table = { key: record(null) as ApiKeyRecord | undefined, reads: 0, clock: 0 };
  let held: Promise<void> | undefined;
  const cache = new ListenedKeyCache(
    new CoalescedLookup(async (hashes: string[]) => {
      table.reads += 1;
      const answer = new Map(table.key && hashes.includes(table.key.hash) ? [[table.key.hash, table.key]] : []);
      if (held) await held;
      return answer;
    }),
    { keptMs: options.keptMs, now: () => table.clock },
  );
  const hold = () => {
    let release = () => {};
    held = new Promise<void>((resolve) => {
      release = () => {
        held = undefined;
        resolve();
      };
    });
    return release;
  };
  return { cache, table, hold };
}

describe('PostgreSQL API key look-ups kept in memory', () => {
  it('keep nothing until key changes are heard, then keep known keys until a change or their time is up', async () => {
    const { cache, table } = cacheOver({ keptMs: 1000 });
    await cache.keyByHash('a'.repeat(64));
    await cache.keyByHash('a'.repeat(64));
    expect(table.reads).toBe(2);

    cache.listening(true);
    await cache.keyByHash('a'.repeat(64));
    expect(await cache.keyByHash('a'.repeat(64))).toEqual(record(null));
    expect(table.reads).toBe(3);

    table.key = record(5);
    cache.forget();
    expect(await cache.keyByHash('a'.repeat(64))).toEqual(record(5));
    table.clock = 999;
    await cache.keyByHash('a'.repeat(64));
    expect(table.reads).toBe(4);
    table.clock = 1000;
    await cache.keyByHash('a'.repeat(64));
    expect(table.reads).toBe(5);
  });

  it('keep no unknown hash, and forget everything when the listening connection is lost', async () => {
    const { cache, table } = cacheOver();
    cache.listening(true);
    expect(await cache.keyByHash('f'.repeat(64))).toBeUndefined();
    expect(await cache.keyByHash('f'.repeat(64))).toBeUndefined();
    expect(table.reads).toBe(2);

    await cache.keyByHash('a'.repeat(64));
    cache.listening(false);
    table.key = record(7);
    expect(await cache.keyByHash('a'.repeat(64))).toEqual(record(7));
    table.key = record(8);
    expect(await cache.keyByHash('a'.repeat(64))).toEqual(record(8));
  });

  it('do not keep a key read before a change was heard', async () => {
    const { cache, table, hold } = cacheOver();
    cache.listening(true);
    const release = hold();
    const before = cache.keyByHash('a'.repeat(64));
    await new Promise((done) => setImmediate(done));
    // The change commits and is heard while the read that began before it is still on its way.
    table.key = record(9);
    cache.forget();
    release();
    expect(await before).toEqual(record(null));
    expect(await cache.keyByHash('a'.repeat(64))).toEqual(record(9));
  });
});
