/**
 * `lienthong backup` and `lienthong restore` refusing what they must, each in one line, exit 1, having written nothing:
 * a backup onto an existing file (unless --force), of a store that is not there, of a PostgreSQL store (pg_dump); a
 * restore while a gateway holds the store, onto an existing store (unless --force), of a backup whose audit chain
 * does not verify or that another key chained, of a file that is no backup. And what they write: the backup mode
 * 0600, one file, nothing left beside it; the restored store in place of the old one, its stale -wal and -shm gone.
 */
import { existsSync } from 'node:fs';
import { copyFile, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openConnection } from '../core/store/sqlite/connection.ts';
import { claimStoreFile } from '../core/store/sqlite/gateway-lock.ts';
import { codeSchemaVersion } from '../core/store/sqlite/migrate.ts';
import { SqliteStore } from '../core/store/sqlite/sqlite-store.ts';
import { TEST_AUDIT_KEY } from '../core/testing/test-audit-key.ts';
import { runCliInProcess } from './support/run-cli-in-process.ts';

let dir: string;
let db: string;
let backupFile: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lienthong-backup-refusals-'));
  db = join(dir, 'lienthong.db');
  backupFile = join(dir, 'backup.db');
  const store = await SqliteStore.open(db, { auditKey: TEST_AUDIT_KEY });
  await store.createKey({ id: 'key_backup', hash: 'f'.repeat(64), role: 'operator', agencies: ['*'], label: null, createdAt: Date.now(), revokedAt: null }, 'cli');
  await store.revokeKey('key_backup', Date.now(), 'cli');
  await store.close();
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const cli = (args: string[], env: Record<string, string | undefined> = {}) => runCliInProcess(args, { LIENTHONG_DATABASE_URL: undefined, ...env });
const oneLine = (text: string) => text.trimEnd().split('\n').filter((line) => !line.startsWith('store: '));
const files = async () => (await readdir(dir)).sort();

describe('lienthong backup', () => {
  it('writes one self-contained file, mode 0600, names the store and the audit key id, and leaves nothing else', async () => {
    const result = await cli(['backup', '--to', backupFile, '--db', db]);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe(`store: ${db}\n`);
    expect(result.stdout).toMatch(new RegExp(`^backed up ${db} to ${backupFile}: [\\d.]+ MiB, schema version ${await codeSchemaVersion()}, 0 message\\(s\\), 2 audit entries; restore it with the audit key whose id is [0-9a-f]{16}\\n$`));
    expect((await stat(backupFile)).mode & 0o777).toBe(0o600);
    expect((await files()).filter((file) => file.startsWith('backup') || file.startsWith('.backup'))).toEqual(['backup.db']);
    const copy = await openConnection(backupFile, { wal: false });
    expect(await copy.all('PRAGMA journal_mode')).toEqual([{ journal_mode: 'delete' }]);
    expect(await copy.all('SELECT id, revoked_at IS NOT NULL AS revoked FROM api_keys')).toEqual([{ id: 'key_backup', revoked: 1 }]);
    await copy.close();
  });

  it('refuses a file that exists unless --force, and then replaces it', async () => {
    await writeFile(backupFile, 'last week\'s backup');
    const refused = await cli(['backup', '--to', backupFile, '--db', db]);
    expect(refused.code).toBe(1);
    expect(oneLine(refused.stderr)).toEqual([`lienthong: ${backupFile} exists: give another file, or --force to replace it`]);
    expect(await readFile(backupFile, 'utf8')).toBe('last week\'s backup');
    const forced = await cli(['backup', '--to', backupFile, '--db', db, '--force']);
    expect(forced.code).toBe(0);
    expect((await readFile(backupFile)).subarray(0, 15).toString()).toBe('SQLite format 3');
    expect((await stat(backupFile)).mode & 0o777).toBe(0o600);
  });

  it('refuses a store that is not there, as every verb does, creating nothing', async () => {
    const missing = join(dir, 'missing.db');
    const result = await cli(['backup', '--to', backupFile, '--db', missing]);
    expect(result.code).toBe(1);
    expect(oneLine(result.stderr)).toEqual([`lienthong: no store at ${missing}: check --db or LIENTHONG_DB, or start \`lienthong serve\` once to create it`]);
    expect(existsSync(missing) || existsSync(backupFile)).toBe(false);
  });

  it('refuses to write the backup onto the store itself', async () => {
    const result = await cli(['backup', '--to', db, '--db', db, '--force']);
    expect(result.code).toBe(1);
    expect(oneLine(result.stderr)).toEqual([`lienthong: --to ${db} is the store itself: give the backup another file`]);
  });

  it('points to pg_dump for a PostgreSQL store', async () => {
    const result = await cli(['backup', '--to', backupFile], { LIENTHONG_DATABASE_URL: 'postgres://lienthong@db.hue.local/lienthong' });
    expect(result).toMatchObject({ code: 1, stdout: '' });
    expect(result.stderr).toBe('lienthong: LIENTHONG_DATABASE_URL names a PostgreSQL store: lienthong backup copies SQLite files; use pg_dump --format=custom --file=lienthong.dump "$LIENTHONG_DATABASE_URL"\n');
  });

  it('needs --to', async () => {
    const result = await cli(['backup', '--db', db]);
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n')[0]).toBe("lienthong: required option '--to <file>' not specified");
  });
});

describe('lienthong restore', () => {
  let restored: string;

  beforeEach(async () => {
    restored = join(dir, 'restored.db');
    expect((await cli(['backup', '--to', backupFile, '--db', db])).code).toBe(0);
  });

  it('puts the backup back on a new path: the audit chain verifies, and the store opens', async () => {
    const result = await cli(['restore', '--from', backupFile, '--db', restored]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^restored ${restored} from ${backupFile}: schema version \\d+, 0 message\\(s\\), audit log intact: 2 entries, head 2 [0-9a-f]{64}; start the gateway`));
    expect((await stat(restored)).mode & 0o777).toBe(0o600);
    expect((await files()).filter((file) => file.includes('restore'))).toEqual(['restored.db', 'restored.db.lock']);
    const verified = await cli(['audit', 'verify', '--db', restored]);
    expect(verified).toMatchObject({ code: 0, stdout: expect.stringMatching(/^audit log intact: 2 entries/) });
  });

  it('refuses while a gateway holds the store, writing nothing', async () => {
    const lock = await claimStoreFile(db);
    try {
      const before = await readFile(db);
      const result = await cli(['restore', '--from', backupFile, '--db', db, '--force']);
      expect(result.code).toBe(1);
      expect(oneLine(result.stderr)).toEqual([expect.stringMatching(new RegExp(`^lienthong: cannot restore onto ${db}: the gateway process with pid ${process.pid} on host .* runs on it; stop that gateway first, then restore$`))]);
      expect((await readFile(db)).equals(before)).toBe(true);
    } finally {
      await lock.release();
    }
  });

  it('refuses an existing store unless --force; with it, replaces the store and removes its stale -wal and -shm', async () => {
    const refused = await cli(['restore', '--from', backupFile, '--db', db]);
    expect(refused.code).toBe(1);
    expect(oneLine(refused.stderr)).toEqual([`lienthong: ${db} exists: restore onto a new path with --db, or give --force to replace that store`]);

    // The old store goes on after the backup: a key made later, then a -wal and -shm left as a crash leaves them.
    const store = await SqliteStore.open(db, { auditKey: TEST_AUDIT_KEY });
    await store.createKey({ id: 'key_after_backup', hash: '1'.repeat(64), role: 'client', agencies: ['*'], label: null, createdAt: Date.now(), revokedAt: null }, 'cli');
    await store.close();
    await writeFile(`${db}-wal`, Buffer.alloc(8192, 7));
    await writeFile(`${db}-shm`, Buffer.alloc(32768, 7));
    const forced = await cli(['restore', '--from', backupFile, '--db', db, '--force']);
    expect(forced.code).toBe(0);
    expect(existsSync(`${db}-wal`) || existsSync(`${db}-shm`)).toBe(false);
    const reopened = await SqliteStore.open(db, { auditKey: TEST_AUDIT_KEY });
    expect((await reopened.listKeys()).map((key) => key.id)).toEqual(['key_backup']);
    await reopened.close();
  });

  it('checks the backup\'s audit chain before writing anything: an altered entry is refused, naming it', async () => {
    const tampered = join(dir, 'tampered.db');
    await copyFile(backupFile, tampered);
    const connection = await openConnection(tampered, { wal: false });
    await connection.run(`UPDATE audit_log SET summary = json_set(summary, '$.keyId', 'key_someone_else') WHERE seq = 1`);
    await connection.close();
    const before = await files();
    const result = await cli(['restore', '--from', tampered, '--db', restored]);
    expect(result.code).toBe(1);
    expect(oneLine(result.stderr)).toEqual([`lienthong: the audit log of the backup ${tampered} does not verify at entry 1: entry 1 was altered: its hash does not match its content; nothing was restored`]);
    expect(await files()).toEqual(before);
  });

  it('refuses a backup chained with another audit key, naming both key ids', async () => {
    const result = await cli(['restore', '--from', backupFile, '--db', restored], { LIENTHONG_AUDIT_KEY: 'another-province-audit-key-0123456789abcdef' });
    expect(result.code).toBe(1);
    expect(oneLine(result.stderr)).toEqual([
      expect.stringMatching(new RegExp(`^lienthong: LIENTHONG_AUDIT_KEY \\(key id [0-9a-f]{16}\\) is not the key the audit log of the backup ${backupFile} goes on with \\(key id [0-9a-f]{16}\\): give the audit key of the gateway the backup came from; nothing was restored$`)),
    ]);
    expect(existsSync(restored)).toBe(false);
  });

  it('refuses what is not a backup, and a backup a newer lienthong made', async () => {
    const text = join(dir, 'notes.txt');
    await writeFile(text, 'not a database');
    expect(oneLine((await cli(['restore', '--from', text, '--db', restored])).stderr)).toEqual([`lienthong: ${text} is not an SQLite file: give a file made by lienthong backup`]);
    expect(oneLine((await cli(['restore', '--from', join(dir, 'nowhere.db'), '--db', restored])).stderr)).toEqual([`lienthong: no backup at ${join(dir, 'nowhere.db')}: check --from`]);

    const code = await codeSchemaVersion();
    const connection = await openConnection(backupFile, { wal: false });
    await connection.run('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, 0)', [code + 1, 'message_archive']);
    await connection.close();
    const newer = await cli(['restore', '--from', backupFile, '--db', restored]);
    expect(newer.code).toBe(1);
    expect(oneLine(newer.stderr)).toEqual([`lienthong: the backup ${backupFile} has schema version ${code + 1}, newer than this lienthong's ${code}: restore it with the lienthong version that made it, or a later one`]);
    expect(existsSync(restored)).toBe(false);
  });

  it('points to pg_restore for a PostgreSQL store', async () => {
    const result = await cli(['restore', '--from', backupFile], { LIENTHONG_DATABASE_URL: 'postgresql://lienthong@db.hue.local/lienthong' });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^lienthong: LIENTHONG_DATABASE_URL names a PostgreSQL store: lienthong restore copies SQLite files; use pg_restore /);
  });
});
