import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TEST_AUDIT_KEY } from '../../testing/test-audit-key.ts';
import { type Connection, openConnection } from './connection.ts';
import { type Migration, StoreNewerThanCode, codeSchemaVersion, loadMigrations, migrate } from './migrate.ts';
import { SqliteStore } from './sqlite-store.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lienthong-migrate-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function withConnection<T>(file: string, work: (db: Connection) => Promise<T>): Promise<T> {
  const db = await openConnection(file);
  try {
    return await work(db);
  } finally {
    await db.close();
  }
}

const versions = (db: Connection) => db.all<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version').then((rows) => rows.map((row) => row.version));
const tables = (db: Connection) => db.all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").then((rows) => rows.map((row) => row.name));
const sha256 = async (file: string) => createHash('sha256').update(await readFile(file)).digest('hex');

describe('the shipped migrations', () => {
  it('each runs inside the transaction that records its version: none ends it, none needs to be outside one', async () => {
    for (const migration of await loadMigrations()) {
      // A trigger's body is BEGIN … END; everything else that says BEGIN, COMMIT or END would end our transaction.
      const statements = migration.sql.replace(/--.*$/gm, '').replace(/CREATE\s+TRIGGER[\s\S]*?\bEND\s*;/gi, '');
      expect(statements, `migration ${migration.version}`).not.toMatch(/\b(BEGIN|COMMIT|END|ROLLBACK|SAVEPOINT|RELEASE|VACUUM|PRAGMA|ATTACH|DETACH)\b/i);
    }
  });

  it('are numbered one after another from 1, and the code says the last is its schema version', async () => {
    const shipped = (await loadMigrations()).map((migration) => migration.version);
    expect(shipped).toEqual(shipped.map((_, index) => index + 1));
    expect(await codeSchemaVersion()).toBe(shipped.at(-1));
  });
});

describe('migrate', () => {
  const steps: Migration[] = [
    { version: 1, name: 'first', sql: 'CREATE TABLE first (x INTEGER);' },
    { version: 2, name: 'second', sql: 'CREATE TABLE second (x INTEGER); INSERT INTO first VALUES (1);' },
    { version: 3, name: 'third', sql: 'CREATE TABLE third (x INTEGER);' },
  ];

  it('stops at the version asked for, as an older lienthong left the store, and goes on from there later', async () => {
    const file = join(dir, 'older.db');
    await withConnection(file, async (db) => {
      expect(await migrate(db, { migrations: steps, upTo: 2 })).toEqual([1, 2]);
      expect(await tables(db)).toEqual(['first', 'schema_migrations', 'second']);
      expect(await migrate(db, { migrations: steps })).toEqual([3]);
      expect(await versions(db)).toEqual([1, 2, 3]);
    });
  });

  it('rolls a failing migration back together with its version: the store stays at the version before', async () => {
    const file = join(dir, 'failing.db');
    const failing: Migration = { version: 3, name: 'broken', sql: 'CREATE TABLE third (x INTEGER); INSERT INTO first VALUES (2); INSERT INTO nowhere VALUES (1);' };
    await withConnection(file, async (db) => {
      await expect(migrate(db, { migrations: [steps[0]!, steps[1]!, failing] })).rejects.toThrow('migration 3 (broken) failed');
      expect(await versions(db)).toEqual([1, 2]);
      expect(await tables(db)).toEqual(['first', 'schema_migrations', 'second']);
      expect(await db.all('SELECT x FROM first')).toEqual([{ x: 1 }]);
      // Fixed in the next release, it applies cleanly from where the store was.
      expect(await migrate(db, { migrations: steps })).toEqual([3]);
    });
  });

  it('refuses a store that holds a migration this code does not know, and writes nothing', async () => {
    const file = join(dir, 'newer.db');
    await withConnection(file, (db) => migrate(db, { migrations: steps }));
    const olderCode = steps.slice(0, 2);
    const before = await sha256(file);
    await withConnection(file, async (db) => {
      const refused = await migrate(db, { migrations: olderCode, file }).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(StoreNewerThanCode);
      expect(refused).toMatchObject({ storeVersion: 3, codeVersion: 2 });
      expect((refused as Error).message).toBe(
        `${file} has schema version 3 (migration 003_third), newer than this lienthong's 2: a newer lienthong wrote it; ` +
          'run that version (upgrade lienthong), or restore the backup taken before the upgrade (lienthong restore --from FILE)',
      );
    });
    expect(await sha256(file)).toBe(before);
  });
});

describe('opening a store a newer lienthong migrated', () => {
  it('is refused with the store\'s schema version and the code\'s, and the file is left byte for byte', async () => {
    const file = join(dir, 'lienthong.db');
    await (await SqliteStore.open(file, { auditKey: TEST_AUDIT_KEY })).close();
    const code = await codeSchemaVersion();
    await withConnection(file, (db) => db.run('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, 0)', [code + 1, 'from_the_future']));
    const before = await sha256(file);
    await expect(SqliteStore.open(file, { auditKey: TEST_AUDIT_KEY })).rejects.toThrow(
      `has schema version ${code + 1} (migration ${String(code + 1).padStart(3, '0')}_from_the_future), newer than this lienthong's ${code}`,
    );
    expect(await sha256(file)).toBe(before);
  });
});

describe('a running gateway whose store a newer lienthong migrated meanwhile', () => {
  it('is no longer ready (/readyz 503): it runs code the schema was not written for', async () => {
    const file = join(dir, 'running.db');
    const store = await SqliteStore.open(file, { auditKey: TEST_AUDIT_KEY });
    try {
      await expect(store.checkReady()).resolves.toBeUndefined();
      const code = await codeSchemaVersion();
      await withConnection(file, (db) => db.run('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, 0)', [code + 1, 'from_the_future']));
      await expect(store.checkReady()).rejects.toBeInstanceOf(StoreNewerThanCode);
    } finally {
      await store.close();
    }
  });
});
