import { describe, expect, it } from 'vitest';
import { openConnection } from './connection.ts';
import { loadMigrations, migrate } from './migrate.ts';
import { SqliteStore } from './sqlite-store.ts';
import { T0, useStore } from './store-fixture.test-helper.ts';
import { TEST_AUDIT_KEY } from '../../testing/test-audit-key.ts';

const ctx = useStore();

describe('api keys', () => {
  it('creates, finds, lists and revokes keys', async () => {
    const client = { id: 'key_1', hash: 'a'.repeat(64), role: 'client' as const, agencies: ['000.00.01.H22'], label: 'một cửa Huế', createdAt: T0, revokedAt: null };
    const operator = { id: 'key_2', hash: 'b'.repeat(64), role: 'operator' as const, agencies: ['*'], label: null, createdAt: T0 + 1, revokedAt: null };
    await ctx.db.store.createKey(client, 'test');
    await ctx.db.store.createKey(operator, 'test');

    expect(await ctx.db.store.findKeyByHash(client.hash)).toEqual(client);
    expect(await ctx.db.store.findKeyByHash('c'.repeat(64))).toBeUndefined();
    expect(await ctx.db.store.listKeys()).toEqual([client, operator]);
    await expect(ctx.db.store.createKey({ ...client, id: 'key_3' }, 'test')).rejects.toThrow();

    expect(await ctx.db.store.revokeKey('key_1', T0 + 50, 'test')).toBe(true);
    expect(await ctx.db.store.revokeKey('key_1', T0 + 60, 'test')).toBe(false);
    expect(await ctx.db.store.revokeKey('key_missing', T0 + 60, 'test')).toBe(false);
    expect(await ctx.db.store.findKeyByHash(client.hash)).toEqual({ ...client, revokedAt: T0 + 50 });
    expect((await ctx.db.store.listKeys()).map((key) => key.revokedAt)).toEqual([T0 + 50, null]);
  });
});

describe('opening the file', () => {
  it('is ready once opened', async () => {
    await expect(ctx.db.store.checkReady()).resolves.toBeUndefined();
  });

  it('applies every migration to a new file, and none when it is opened again', async () => {
    const versions = (await loadMigrations()).map((m) => m.version);
    expect(versions.length).toBeGreaterThan(0);
    const fresh = await openConnection(`${ctx.db.dir}/fresh.db`);
    try {
      expect(await migrate(fresh)).toEqual(versions);
      expect(await migrate(fresh)).toEqual([]);
    } finally {
      await fresh.close();
    }

    const appliedBefore = await schemaMigrations(ctx.db.file);
    await ctx.db.store.close();
    ctx.db.store = await SqliteStore.open(ctx.db.file, { auditKey: TEST_AUDIT_KEY });
    expect(await schemaMigrations(ctx.db.file)).toEqual(appliedBefore);
    expect(appliedBefore.map((row) => row.version)).toEqual(versions);
    await expect(ctx.db.store.checkReady()).resolves.toBeUndefined();
  });

  it('applies each migration once when two processes open a new file at the same time', async () => {
    const versions = (await loadMigrations()).map((m) => m.version);
    for (let i = 0; i < 5; i++) {
      const file = `${ctx.db.dir}/race-${i}.db`;
      const [first, second] = [await openConnection(file), await openConnection(file)];
      try {
        const applied = await Promise.all([migrate(first), migrate(second)]);
        expect(applied.flat().sort((a, b) => a - b)).toEqual(versions);
      } finally {
        await first.close();
        await second.close();
      }
      const store = await SqliteStore.open(file, { auditKey: TEST_AUDIT_KEY });
      await expect(store.checkReady()).resolves.toBeUndefined();
      await store.close();
    }
  });

  it('keeps messages, attempts, idempotency keys and api keys across close and reopen', async () => {
    const m = ctx.message({ reference: 'H22.99-0001' });
    const claim = { scope: 'key_client', key: 'idem-persist', requestHash: 'hash-a' };
    await ctx.db.store.accept(m, { idempotency: claim });
    await ctx.settle(m.id, 'retry', T0 + 100, 'timed out after 15000 ms');
    await ctx.db.store.createKey({ id: 'key_1', hash: 'd'.repeat(64), role: 'operator', agencies: ['*'], label: null, createdAt: T0, revokedAt: null }, 'test');
    const before = await ctx.db.store.getMessage(m.id);

    await ctx.db.store.close();
    ctx.db.store = await SqliteStore.open(ctx.db.file, { auditKey: TEST_AUDIT_KEY });

    expect(await ctx.db.store.getMessage(m.id)).toEqual(before);
    expect(before).toMatchObject({ status: 'queued', attempts: 1, lastError: 'timed out after 15000 ms', nextAttemptAt: T0 + 1_100 });
    expect(await ctx.db.store.listAttempts(m.id)).toEqual([
      { messageId: m.id, round: 0, number: 1, startedAt: T0 + 100, finishedAt: T0 + 100, outcome: 'retry', error: 'timed out after 15000 ms', providerCode: null },
    ]);
    expect(await ctx.db.store.accept(ctx.message(), { idempotency: claim })).toEqual({ outcome: 'repeated', messageId: m.id });
    expect(await ctx.db.store.findKeyByHash('d'.repeat(64))).toMatchObject({ id: 'key_1', role: 'operator' });
  });

  it('fails readiness when a migration is missing', async () => {
    const writer = await openConnection(ctx.db.file);
    try {
      await writer.run('DELETE FROM schema_migrations');
    } finally {
      await writer.close();
    }
    await expect(ctx.db.store.checkReady()).rejects.toThrow(/migrations not applied/);
  });
});

async function schemaMigrations(file: string) {
  const connection = await openConnection(file);
  try {
    return await connection.all<{ version: number; name: string; applied_at: number }>('SELECT * FROM schema_migrations ORDER BY version');
  } finally {
    await connection.close();
  }
}
