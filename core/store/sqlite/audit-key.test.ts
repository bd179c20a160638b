/**
 * The store and its audit key: it records the key's id, refuses another key having written nothing, takes the key
 * of a log from before key ids only if it verifies the log's last entry, and rotates keys with the change chained.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sqlite3 from 'sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditKeyChanged, AuditKeyRefused } from '../../audit/key-binding.ts';
import { auditKeyId } from '../../audit/key-id.ts';
import { TEST_AUDIT_KEY } from '../../testing/test-audit-key.ts';
import { SqliteStore } from './sqlite-store.ts';

const OTHER_KEY = Buffer.from('another audit key of at least thirty-two characters', 'utf8');
const NEW_KEY = Buffer.from('the audit key after rotation, 0123456789abcdef', 'utf8');
const ID = auditKeyId(TEST_AUDIT_KEY);

let dir: string;
let file: string;
let t = 1_795_314_600_000;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lienthong-audit-key-'));
  file = join(dir, 'lienthong.db');
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const note = () => ({ at: (t += 1000), actor: 'cli', action: 'key.revoked', summary: { keyId: `key_${t}` } });

/** A store with `count` entries chained with `key`, closed. */
async function storeWith(count: number, key = TEST_AUDIT_KEY): Promise<void> {
  const store = await SqliteStore.open(file, { auditKey: key });
  for (let i = 0; i < count; i++) await store.appendAudit([note()]);
  await store.close();
}

async function sql<Row>(query: string, params: unknown[] = []): Promise<Row[]> {
  const db = await new Promise<sqlite3.Database>((resolve, reject) => {
    const opened: sqlite3.Database = new sqlite3.Database(file, (error) => (error ? reject(error) : resolve(opened)));
  });
  try {
    return await new Promise<Row[]>((resolve, reject) => db.all(query, params, (error, rows) => (error ? reject(error) : resolve(rows as Row[]))));
  } finally {
    await new Promise<void>((resolve) => db.close(() => resolve()));
  }
}

/** What "nothing written" means: the same bytes on disk, and no other file beside them. */
async function snapshot() {
  return { sha256: createHash('sha256').update(await readFile(file)).digest('hex'), files: (await readdir(dir)).sort() };
}

const keyRows = () => sql<{ from_seq: number; key_id: string }>('SELECT from_seq, key_id FROM audit_keys ORDER BY from_seq');

describe("the store records its audit key's identity", () => {
  it("records the key id (never the key) when the store is made", async () => {
    await storeWith(2);
    expect(await keyRows()).toEqual([{ from_seq: 1, key_id: ID }]);
    expect((await readFile(file)).includes(TEST_AUDIT_KEY)).toBe(false);
  });

  it('refuses another key with one line naming both key ids, and writes nothing', async () => {
    await storeWith(3);
    const before = await snapshot();
    const refused = SqliteStore.open(file, { auditKey: OTHER_KEY, auditKeyName: 'LIENTHONG_AUDIT_KEY' });
    await expect(refused).rejects.toThrow(AuditKeyRefused);
    await expect(refused).rejects.toThrow(
      `LIENTHONG_AUDIT_KEY is not the key this store's audit log is chained with (key id ${auditKeyId(OTHER_KEY)}, the store expects ${ID}): give the store's key, or change keys with \`lienthong audit rotate-key\``,
    );
    expect(await snapshot()).toEqual(before);
    // The store still opens with its own key, its chain whole.
    const store = await SqliteStore.open(file, { auditKey: TEST_AUDIT_KEY });
    expect(await store.verifyAudit()).toMatchObject({ ok: true, checked: 3 });
    await store.close();
  });

  it('lets a store whose log is still empty take another key: nothing is chained under the first', async () => {
    await storeWith(0);
    await (await SqliteStore.open(file, { auditKey: OTHER_KEY })).close();
    expect(await keyRows()).toEqual([{ from_seq: 1, key_id: auditKeyId(OTHER_KEY) }]);
  });
});

describe('a store made before key ids', () => {
  /** Back to how such a store was: no audit_keys table, migration 010 not applied. */
  async function beforeKeyIds(): Promise<void> {
    await sql('DROP TABLE audit_keys');
    await sql('DELETE FROM schema_migrations WHERE version = 10');
  }

  it('takes the key that verifies the last entry of its log, and records it', async () => {
    await storeWith(4);
    await beforeKeyIds();
    const store = await SqliteStore.open(file, { auditKey: TEST_AUDIT_KEY });
    expect(await store.verifyAudit()).toMatchObject({ ok: true, checked: 4 });
    await store.close();
    expect(await keyRows()).toEqual([{ from_seq: 1, key_id: ID }]);
  });

  it('refuses a key that does not verify its last entry, and records nothing', async () => {
    await storeWith(4);
    await beforeKeyIds();
    await expect(SqliteStore.open(file, { auditKey: OTHER_KEY, auditKeyName: 'LIENTHONG_AUDIT_KEY' })).rejects.toThrow(
      `LIENTHONG_AUDIT_KEY (key id ${auditKeyId(OTHER_KEY)}) does not verify entry 4, the last of this store's audit log, which records no key id yet: give the key the log was chained with`,
    );
    expect(await keyRows()).toEqual([]);
    // The right key is then taken, and the log continues under it.
    const store = await SqliteStore.open(file, { auditKey: TEST_AUDIT_KEY });
    await store.appendAudit([note()]);
    expect(await store.verifyAudit()).toMatchObject({ ok: true, checked: 5 });
    await store.close();
  });
});

describe('rotating the audit key', () => {
  it('chains the change under the old key, then new entries under the new key; verify needs both keys', async () => {
    await storeWith(3);
    const store = await SqliteStore.open(file, { auditKey: TEST_AUDIT_KEY });
    const rotation = await store.rotateAuditKey(NEW_KEY, (t += 1000), 'cli');
    expect(rotation).toEqual({ seq: 4, previousKeyId: ID, newKeyId: auditKeyId(NEW_KEY) });
    await store.appendAudit([note(), note()]);
    expect(await store.verifyAudit()).toMatchObject({ ok: true, checked: 6 });
    const [entry] = await store.listAudit({ afterSeq: 3 }, 1);
    expect(entry).toMatchObject({ seq: 4, actor: 'cli', action: 'audit.key.rotated', summary: { previousKeyId: ID, newKeyId: auditKeyId(NEW_KEY) } });
    await store.close();
    expect(await keyRows()).toEqual([{ from_seq: 1, key_id: ID }, { from_seq: 5, key_id: auditKeyId(NEW_KEY) }]);

    // The old key no longer opens the store; the new one does, and verifies only with the old one in its keyring.
    await expect(SqliteStore.open(file, { auditKey: TEST_AUDIT_KEY })).rejects.toThrow(`the store expects ${auditKeyId(NEW_KEY)}`);
    const alone = await SqliteStore.open(file, { auditKey: NEW_KEY });
    expect(await alone.verifyAudit()).toMatchObject({ ok: false, seq: 1, checked: 0, missingKeyId: ID });
    await alone.close();
    const withOld = await SqliteStore.open(file, { auditKey: NEW_KEY, olderAuditKeys: [TEST_AUDIT_KEY] });
    await withOld.appendAudit([note()]);
    expect(await withOld.verifyAudit()).toMatchObject({ ok: true, checked: 7 });
    await withOld.close();
  });

  it('names an entry altered after the rotation', async () => {
    await storeWith(2);
    const store = await SqliteStore.open(file, { auditKey: TEST_AUDIT_KEY });
    await store.rotateAuditKey(NEW_KEY, (t += 1000), 'cli');
    await store.appendAudit([note(), note()]);
    await store.close();
    await sql(`UPDATE audit_log SET summary = '{"keyId":"key_other"}' WHERE seq = 5`);
    const reopened = await SqliteStore.open(file, { auditKey: NEW_KEY, olderAuditKeys: [TEST_AUDIT_KEY] });
    expect(await reopened.verifyAudit()).toMatchObject({ ok: false, seq: 5, problem: 'entry 5 was altered: its hash does not match its content' });
    await reopened.close();
  });

  it('refuses the key in use as the new key', async () => {
    await storeWith(1);
    const store = await SqliteStore.open(file, { auditKey: TEST_AUDIT_KEY });
    await expect(store.rotateAuditKey(TEST_AUDIT_KEY, (t += 1000), 'cli')).rejects.toThrow(`the new audit key is the key in use (key id ${ID}): give another one`);
    await store.close();
    expect(await keyRows()).toEqual([{ from_seq: 1, key_id: ID }]);
  });

  it('a process still writing under the old key has its entries refused, never chained under the wrong key', async () => {
    await storeWith(1);
    const running = await SqliteStore.open(file, { auditKey: TEST_AUDIT_KEY });
    const rotator = await SqliteStore.open(file, { auditKey: TEST_AUDIT_KEY });
    await rotator.rotateAuditKey(NEW_KEY, (t += 1000), 'cli');
    await rotator.close();
    await expect(running.appendAudit([note()])).rejects.toThrow(AuditKeyChanged);
    await expect(running.appendAudit([note()])).rejects.toThrow(`the store now expects ${auditKeyId(NEW_KEY)}`);
    await running.close();
    const store = await SqliteStore.open(file, { auditKey: NEW_KEY, olderAuditKeys: [TEST_AUDIT_KEY] });
    expect(await store.verifyAudit()).toMatchObject({ ok: true, checked: 2 });
    await store.close();
  });
});
