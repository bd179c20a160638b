import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TEST_AUDIT_KEY } from '../../testing/test-audit-key.ts';
import type { ApiKeyRecord } from '../types.ts';
import { openTempStore, type TempStore } from '../temp-store.test-helper.ts';
import { KeyCache } from './key-cache.ts';
import { SqliteStore } from './sqlite-store.ts';

const key = (id: string, hash: string): ApiKeyRecord => ({ id, hash, role: 'client', agencies: ['A'], label: null, createdAt: 1, revokedAt: null });

/** A request that arrives later: the look-ups of one turn of the event loop share one check of the file. */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

let db: TempStore;
/** Another process's store on the same file, as `lienthong keys …` opens it. */
let other: SqliteStore;

beforeEach(async () => {
  db = await openTempStore();
  other = await SqliteStore.open(db.file, { auditKey: TEST_AUDIT_KEY });
});
afterEach(async () => {
  await other.close();
  await db.dispose();
});

describe('SQLite API key look-ups', () => {
  it('sees a key revoked or created through its own store within the same turn of the event loop', async () => {
    await db.store.createKey(key('key_a', 'a'.repeat(64)), 'system');
    expect(await db.store.findKeyByHash('a'.repeat(64))).toMatchObject({ revokedAt: null });
    expect(await db.store.revokeKey('key_a', 5, 'system')).toBe(true);
    expect(await db.store.findKeyByHash('a'.repeat(64))).toMatchObject({ revokedAt: 5 });
  });

  it('sees a key revoked or created through another connection at the next turn of the event loop (a request that arrives after the command ended)', async () => {
    await db.store.createKey(key('key_a', 'a'.repeat(64)), 'system');
    expect(await db.store.findKeyByHash('a'.repeat(64))).toMatchObject({ id: 'key_a', revokedAt: null });
    expect(await db.store.findKeyByHash('a'.repeat(64))).toMatchObject({ id: 'key_a', revokedAt: null });

    expect(await other.revokeKey('key_a', 5, 'system')).toBe(true);
    await nextTurn();
    expect(await db.store.findKeyByHash('a'.repeat(64))).toMatchObject({ id: 'key_a', revokedAt: 5 });

    expect(await db.store.findKeyByHash('b'.repeat(64))).toBeUndefined();
    await other.createKey(key('key_b', 'b'.repeat(64)), 'system');
    await nextTurn();
    expect(await db.store.findKeyByHash('b'.repeat(64))).toMatchObject({ id: 'key_b' });
  });

  it('keeps the keys it read while other writes commit, here or in another process, and reads them again once a key is written', async () => {
    const a = 'a'.repeat(64);
    await db.store.createKey(key('key_a', a), 'system');
    let reads = 0;
    const cache = KeyCache.open(db.file, 1000, async (hashes) => {
      reads += 1;
      return new Map(hashes.filter((hash) => hash === a).map((hash) => [hash, key('key_a', hash)]));
    });
    try {
      await cache.keyByHash(a);
      await db.store.appendAudit([{ at: 2, actor: 'system', action: 'config.loaded', summary: {} }]);
      await other.appendAudit([{ at: 3, actor: 'system', action: 'config.loaded', summary: {} }]);
      await nextTurn();
      expect(await cache.keyByHash(a)).toMatchObject({ id: 'key_a' });
      expect(reads).toBe(1);

      expect(await other.revokeKey('key_a', 5, 'system')).toBe(true);
      await nextTurn();
      await cache.keyByHash(a);
      expect(reads).toBe(2);
    } finally {
      cache.close();
    }
  });
});
