/**
 * Upgrading a store (README "Upgrading"): a store the previous schema version wrote opens with this code, its
 * migrations applied at start, everything in it read back and its audit chain verified; a store a newer lienthong
 * migrated is refused by every way in — serve, the sandbox and each CLI verb — in one line naming both schema
 * versions and what to do, exit 1, and the file is left byte for byte (no key file made either). A verb of the new
 * version does not migrate a store an older gateway is still running on.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { keyFileOf } from '../core/store/audit-key.ts';
import { openConnection } from '../core/store/sqlite/connection.ts';
import { claimStoreFile } from '../core/store/sqlite/gateway-lock.ts';
import { codeSchemaVersion } from '../core/store/sqlite/migrate.ts';
import { SqliteStore } from '../core/store/sqlite/sqlite-store.ts';
import { TEST_AUDIT_KEY } from '../core/testing/test-audit-key.ts';
import { AGENCY, type PreviousSchemaStore, createPreviousSchemaStore } from './support/previous-schema-store.ts';
import { killChildren, runCli } from './support/run-cli.ts';
import { runCliInProcess } from './support/run-cli-in-process.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lienthong-upgrade-'));
});
afterEach(killChildren);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const sha256 = async (file: string) => createHash('sha256').update(await readFile(file)).digest('hex');

describe('a store the previous schema version wrote', () => {
  let db: string;
  let previous: PreviousSchemaStore;
  const cli = (...args: string[]) => runCliInProcess([...args, '--db', db], { LIENTHONG_DATABASE_URL: undefined });

  beforeAll(async () => {
    db = join(dir, 'previous.db');
    previous = await createPreviousSchemaStore(db);
  });

  it('is migrated at start in transactions, and every message, attempt, key and audit entry reads back', async () => {
    const code = await codeSchemaVersion();
    expect(previous.version).toBe(code - 1);
    const listed = await cli('messages', 'list', '--json');
    expect(listed).toMatchObject({ code: 0 });
    const rows = JSON.parse(listed.stdout) as Array<{ id: string; status: string; attempts: number }>;
    expect(rows.map((row) => [row.id, row.status, row.attempts]).sort()).toEqual(previous.messages.map((m) => [m.id, m.status, m.attempts]).sort());

    const store = await SqliteStore.open(db, { auditKey: TEST_AUDIT_KEY });
    try {
      const versions = await schemaVersions(db);
      expect(versions.at(-1)).toBe(code);
      for (const m of previous.messages) {
        expect(await store.getMessage(m.id)).toMatchObject({ id: m.id, status: m.status, attempts: m.attempts, agency: AGENCY, dossierCode: m.dossierCode, payload: { to: '84981234567' } });
        expect((await store.listAttempts(m.id)).map((attempt) => attempt.number)).toEqual(Array.from({ length: m.attempts }, (_, i) => i + 1));
      }
      for (const key of previous.keys) expect(await store.findKeyByHash(key.hash)).toMatchObject({ id: key.id, role: key.role });
      expect(await store.getRecord(previous.record.instance, previous.record.key)).toMatchObject({ status: 'pending' });
      expect(await store.getStoredResponse(previous.idempotency.scope, previous.idempotency.key)).toBeDefined();
      expect(await store.listAudit({}, 1000)).toHaveLength(previous.auditEntries);
      expect(await store.planReplay({ status: 'dead' })).toEqual({ total: 1, byInstance: { 'sms-hue': 1 } });
      // The upgraded store goes on: a new entry chains after the old ones.
      await store.revokeKey(previous.keys[0]!.id, Date.now(), 'cli');
    } finally {
      await store.close();
    }

    const verified = await cli('audit', 'verify');
    expect(verified.stdout).toMatch(new RegExp(`^audit log intact: ${previous.auditEntries + 1} entries`));
    expect(verified.code).toBe(0);
  });
});

describe('a store the previous schema version wrote, with its gateway still running', () => {
  it('is not migrated by a verb of the new version: refused in one line until the gateway is stopped', async () => {
    const db = join(dir, 'previous-running.db');
    const previous = await createPreviousSchemaStore(db);
    const code = await codeSchemaVersion();
    const gateway = await claimStoreFile(db);
    try {
      const refused = await runCliInProcess(['messages', 'list', '--db', db], { LIENTHONG_DATABASE_URL: undefined });
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(
        new RegExp(`^lienthong: ${db} needs migration ${code} of this lienthong, but the gateway process with pid ${process.pid} on host .* runs on it with an older version: stop that gateway and start this version \\(its migrations run at start\\), then run this command again\n$`),
      );
      expect((await schemaVersions(db)).at(-1)).toBe(previous.version);
    } finally {
      await gateway.release();
    }
    const listed = await runCliInProcess(['messages', 'list', '--db', db], { LIENTHONG_DATABASE_URL: undefined });
    expect(listed.code).toBe(0);
    expect((await schemaVersions(db)).at(-1)).toBe(code);
  });
});

describe('a store a newer lienthong migrated', () => {
  let db: string;
  let config: string;
  let code: number;
  let fingerprint: string;

  beforeAll(async () => {
    db = join(dir, 'newer.db');
    config = join(dir, 'serve.json');
    await writeFile(config, JSON.stringify({ agencies: [{ code: AGENCY }] }));
    const store = await SqliteStore.open(db, { auditKey: TEST_AUDIT_KEY });
    await store.createKey({ id: 'key_newer', hash: 'e'.repeat(64), role: 'operator', agencies: ['*'], label: null, createdAt: Date.now(), revokedAt: null }, 'cli');
    await store.close();
    code = await codeSchemaVersion();
    const connection = await openConnection(db);
    await connection.run('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)', [code + 1, 'message_archive', Date.now()]);
    await connection.close();
    fingerprint = await sha256(db);
  });

  const refusal = () =>
    `lienthong: ${db} has schema version ${code + 1} (migration ${String(code + 1).padStart(3, '0')}_message_archive), newer than this lienthong's ${code}: ` +
    'a newer lienthong wrote it; run that version (upgrade lienthong), or restore the backup taken before the upgrade (lienthong restore --from FILE)';

  it.each([
    ['messages', 'list'],
    ['messages', 'show', 'msg_any'],
    ['keys', 'list'],
    ['keys', 'create', '--role', 'client', '--all-agencies'],
    ['keys', 'revoke', 'key_newer'],
    ['replay', '--status', 'dead'],
    ['instances', 'pause', 'sms-hue'],
    ['audit', 'verify'],
    ['audit', 'export'],
  ])('lienthong %s %s refuses it in one line, exit 1, writing nothing', async (...args) => {
    const result = await runCliInProcess([...args, '--db', db], { LIENTHONG_DATABASE_URL: undefined });
    expect(result).toMatchObject({ code: 1, stdout: '', stderr: `${refusal()}\n` });
    expect(await sha256(db)).toBe(fingerprint);
  });

  it('serve and the sandbox refuse to start on it, exit 1, writing nothing, not even a sandbox key file', async () => {
    const serve = await runCli(['serve', '--config', config, '--port', '0', '--db', db], { LIENTHONG_DATABASE_URL: undefined });
    expect(serve.code).toBe(1);
    expect(serve.stderr.trimEnd().split('\n').at(-1)).toBe(refusal());
    const sandbox = await runCli(['sandbox', '--port', '0', '--db', db], { LIENTHONG_DATABASE_URL: undefined, LIENTHONG_AUDIT_KEY: undefined });
    expect(sandbox.code).toBe(1);
    expect(sandbox.stderr.trimEnd().split('\n').at(-1)).toBe(refusal());
    expect(await sha256(db)).toBe(fingerprint);
    expect(existsSync(keyFileOf(db))).toBe(false);
  });
});

async function schemaVersions(file: string): Promise<number[]> {
  const connection = await openConnection(file);
  try {
    return (await connection.all<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version')).map((row) => row.version);
  } finally {
    await connection.close();
  }
}
