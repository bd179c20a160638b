/**
 * Whole-command: the audit key as operators meet it. A gateway (serve, the sandbox) or a CLI verb given a key the
 * store's audit log is not chained with refuses in one line, exit 1, and leaves the store byte for byte as it was;
 * `lienthong audit rotate-key` changes the key with the change in the chain, and `audit verify` follows it given
 * the old key. Gateways run as real child processes (`node --import tsx app/cli.ts`); verbs that exit run in this process.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFile, readdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sqlite3 from 'sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditKeyId } from '../core/audit/key-id.ts';
import { SqliteStore } from '../core/store/sqlite/sqlite-store.ts';
import { TEST_AUDIT_KEY, TEST_AUDIT_KEY_TEXT } from '../core/testing/test-audit-key.ts';
import { type ChildEnv, killChildren, runCli, startSandboxCommand, startServeCommand } from './support/run-cli.ts';
import { runCliInProcess } from './support/run-cli-in-process.ts';

const WRONG_KEY = randomBytes(48).toString('base64');
const NEW_KEY = randomBytes(48).toString('base64');
const id = (key: string) => auditKeyId(Buffer.from(key, 'utf8'));
const STORE_ID = auditKeyId(TEST_AUDIT_KEY);

let dir: string;
let db: string;
let env: ChildEnv;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lienthong-audit-key-'));
  db = join(dir, 'lienthong.db');
  env = { LIENTHONG_DB: db, LIENTHONG_DATABASE_URL: undefined, LIENTHONG_AUDIT_KEYS: undefined, LIENTHONG_NEW_AUDIT_KEY: undefined, LIENTHONG_SANDBOX_CLIENT_KEY: undefined, LIENTHONG_SANDBOX_OPERATOR_KEY: undefined };
});

afterEach(async () => {
  await killChildren();
  await rm(dir, { recursive: true, force: true });
});

/** A store with a few audit entries chained with the tests' key, closed as a stopped gateway leaves it. */
async function storeWithEntries(file = db): Promise<void> {
  const store = await SqliteStore.open(file, { auditKey: TEST_AUDIT_KEY });
  for (const keyId of ['key_000000000001', 'key_000000000002', 'key_000000000003']) {
    await store.appendAudit([{ at: Date.now(), actor: 'cli', action: 'key.revoked', summary: { keyId } }]);
  }
  await store.close();
}

/**
 * The store as the disk holds it: its bytes, the files beside it, and its audit log's length and head, read without a
 * key. `<db>.lock` is left out: a gateway process claims the file (one process per SQLite file) before it opens the store.
 */
async function snapshot(file = db) {
  const database = await new Promise<sqlite3.Database>((resolve, reject) => {
    const opened: sqlite3.Database = new sqlite3.Database(file, sqlite3.OPEN_READONLY, (error) => (error ? reject(error) : resolve(opened)));
  });
  const head = await new Promise<unknown>((resolve, reject) =>
    database.get('SELECT COUNT(*) AS entries, MAX(seq) AS seq, (SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1) AS hash FROM audit_log', (error, row) => (error ? reject(error) : resolve(row))),
  );
  await new Promise<void>((resolve) => database.close(() => resolve()));
  return { head, sha256: createHash('sha256').update(await readFile(file)).digest('hex'), files: (await readdir(dir)).filter((name) => !name.endsWith('.lock')).sort() };
}

const refusal = (given: string, name = 'LIENTHONG_AUDIT_KEY', expected = STORE_ID) =>
  `lienthong: ${name} is not the key this store's audit log is chained with (key id ${id(given)}, the store expects ${expected}): give the store's key, or change keys with \`lienthong audit rotate-key\`\n`;

async function gatewayConfig(): Promise<string> {
  const config = join(dir, 'gateway.json');
  await writeFile(config, JSON.stringify({ agencies: [{ code: '000.00.01.H22' }] }));
  return config;
}

/** Starts `serve` and resolves once it logs that it listens; rejects with its output if it exits first. */
const serveUntilListening = async (childEnv: ChildEnv) => startServeCommand(['--config', await gatewayConfig(), '--port', '0', '--host', '127.0.0.1'], childEnv);

describe('a gateway given a key that is not its store\'s', () => {
  it('serve: one line, exit 1, and the store and its audit log byte for byte as they were', async () => {
    await storeWithEntries();
    const config = await gatewayConfig();
    const before = await snapshot();
    const result = await runCli(['serve', '--config', config, '--port', '0', '--host', '127.0.0.1'], { ...env, LIENTHONG_AUDIT_KEY: WRONG_KEY });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(refusal(WRONG_KEY));
    expect(result.stdout).toBe('');
    expect(await snapshot()).toEqual(before);
    expect(before.head).toMatchObject({ entries: 3, seq: 3 });
  });

  it('the sandbox: the same line after naming its store, exit 1, nothing written', async () => {
    await storeWithEntries();
    const before = await snapshot();
    const result = await runCli(['sandbox', '--port', '0'], { ...env, LIENTHONG_AUDIT_KEY: WRONG_KEY });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`store: ${db}\n${refusal(WRONG_KEY)}`);
    expect(await snapshot()).toEqual(before);
  });

  it("the sandbox whose key file is gone refuses rather than making up a key for a store chained with another, and writes no key file", async () => {
    await storeWithEntries();
    const before = await snapshot();
    const result = await runCli(['sandbox', '--port', '0'], { ...env, LIENTHONG_AUDIT_KEY: undefined });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`^store: ${db}\nlienthong: the sandbox's new key \\(${db}\\.audit-key is missing\\) is not the key this store's audit log is chained with \\(key id [0-9a-f]{16}, the store expects ${STORE_ID}\\): give the store's key, or change keys with \`lienthong audit rotate-key\`\n$`));
    expect(await snapshot()).toEqual(before);
  });
});

/** Every verb that opens a store with its key, with arguments that get past its command-line checks. */
const keyedVerbs: Array<[string, string[]]> = [
  ['messages list', ['messages', 'list', '--json']],
  ['messages show', ['messages', 'show', 'msg_00000000000000000000000000']],
  ['replay by id', ['replay', 'msg_00000000000000000000000000']],
  ['replay by filter', ['replay', '--status', 'dead', '--dry-run']],
  ['keys create', ['keys', 'create', '--role', 'client', '--all-agencies', '--json']],
  ['keys revoke', ['keys', 'revoke', 'key_000000000001']],
  ['keys list', ['keys', 'list', '--json']],
  ['audit verify', ['audit', 'verify']],
  ['audit export', ['audit', 'export']],
  ['audit rotate-key', ['audit', 'rotate-key']],
];

describe('a CLI verb given a key that is not its store\'s', () => {
  it.each(keyedVerbs)('%s refuses in one line, exit 1, writing nothing', async (_name, args) => {
    await storeWithEntries();
    const before = await snapshot();
    const result = await runCliInProcess(args, { ...env, LIENTHONG_AUDIT_KEY: WRONG_KEY, LIENTHONG_NEW_AUDIT_KEY: NEW_KEY });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(refusal(WRONG_KEY));
    expect(result.stdout).toBe('');
    expect(await snapshot()).toEqual(before);
  });

  it('run as a program, too', async () => {
    await storeWithEntries();
    const before = await snapshot();
    const result = await runCli(['keys', 'create', '--role', 'operator', '--all-agencies'], { ...env, LIENTHONG_AUDIT_KEY: WRONG_KEY });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(refusal(WRONG_KEY));
    expect(await snapshot()).toEqual(before);
  });
});

describe('lienthong audit rotate-key', () => {
  it('records the change in the chain; the gateway then takes only the new key, and verify follows the chain given the old one', async () => {
    await storeWithEntries();
    const newKeyFile = join(dir, 'new-audit.key');
    await writeFile(newKeyFile, `${NEW_KEY}\n`, { mode: 0o600 });

    const rotated = await runCli(['audit', 'rotate-key', '--new-key-file', newKeyFile], env);
    expect(rotated.code, rotated.stderr).toBe(0);
    expect(rotated.stdout).toBe(
      `audit key rotated at entry 4: key id ${STORE_ID} -> ${id(NEW_KEY)}\n` +
        'next: start the gateway with LIENTHONG_AUDIT_KEY set to the new key, and keep the old key in LIENTHONG_AUDIT_KEYS for `lienthong audit verify`\n',
    );
    const exported = await runCliInProcess(['audit', 'export'], { ...env, LIENTHONG_AUDIT_KEY: NEW_KEY });
    const rotation = JSON.parse(exported.stdout.trimEnd().split('\n').at(-1) ?? '{}') as { seq: number; action: string; summary: unknown };
    expect(rotation).toMatchObject({ seq: 4, action: 'audit.key.rotated', summary: { previousKeyId: STORE_ID, newKeyId: id(NEW_KEY) } });

    // The old key is refused from now on; the new one starts the gateway, which chains its entries with it.
    const config = await gatewayConfig();
    const before = await snapshot();
    const old = await runCli(['serve', '--config', config, '--port', '0', '--host', '127.0.0.1'], env);
    expect(old.code).toBe(1);
    expect(old.stderr).toBe(refusal(TEST_AUDIT_KEY_TEXT, 'LIENTHONG_AUDIT_KEY', id(NEW_KEY)));
    expect(await snapshot()).toEqual(before);
    const gateway = await serveUntilListening({ ...env, LIENTHONG_AUDIT_KEY: NEW_KEY });
    await gateway.stop();

    const withoutOld = await runCliInProcess(['audit', 'verify'], { ...env, LIENTHONG_AUDIT_KEY: NEW_KEY });
    expect(withoutOld.code).toBe(1);
    expect(withoutOld.stderr).toContain(
      `audit log not verified from entry 1: entries from 1 on are chained with audit key id ${STORE_ID}, which is not among the keys given; add that older key to LIENTHONG_AUDIT_KEYS or a --keys-file`,
    );
    const withOld = await runCliInProcess(['audit', 'verify'], { ...env, LIENTHONG_AUDIT_KEY: NEW_KEY, LIENTHONG_AUDIT_KEYS: TEST_AUDIT_KEY_TEXT });
    expect(withOld.code, withOld.stderr).toBe(0);
    expect(withOld.stdout).toMatch(/^audit log intact: 5 entries, head 5 [0-9a-f]{64}\n$/);
    const keysFile = join(dir, 'old-audit-keys');
    await writeFile(keysFile, `# replaced ${new Date().toISOString()}\n${TEST_AUDIT_KEY_TEXT}\n`, { mode: 0o600 });
    expect(await runCliInProcess(['audit', 'verify', '--keys-file', keysFile], { ...env, LIENTHONG_AUDIT_KEY: NEW_KEY })).toMatchObject({ code: 0 });
  });

  it('names an entry altered after the rotation', async () => {
    await storeWithEntries();
    expect((await runCliInProcess(['audit', 'rotate-key'], { ...env, LIENTHONG_NEW_AUDIT_KEY: NEW_KEY })).code).toBe(0);
    expect((await runCliInProcess(['keys', 'create', '--role', 'client', '--all-agencies'], { ...env, LIENTHONG_AUDIT_KEY: NEW_KEY })).code).toBe(0);
    const database = new sqlite3.Database(db);
    await new Promise<void>((resolve, reject) => database.run(`UPDATE audit_log SET actor = 'system' WHERE seq = 5`, (error) => (error ? reject(error) : resolve())));
    await new Promise<void>((resolve) => database.close(() => resolve()));
    const verified = await runCliInProcess(['audit', 'verify'], { ...env, LIENTHONG_AUDIT_KEY: NEW_KEY, LIENTHONG_AUDIT_KEYS: TEST_AUDIT_KEY_TEXT });
    expect(verified.code).toBe(1);
    expect(verified.stderr).toContain('audit log TAMPERED at entry 5: entry 5 was altered: its hash does not match its content (4 entries checked before it)');
  });

  it("keeps the sandbox's own key file working: the new key first, the old one after it for verify", async () => {
    const sandboxDb = join(dir, 'sandbox.db');
    const sandboxEnv = { ...env, LIENTHONG_DB: sandboxDb, LIENTHONG_AUDIT_KEY: undefined };
    const first = await startSandboxCommand(sandboxEnv);
    first.child.kill('SIGTERM');
    await first.exited;
    const keyFile = `${sandboxDb}.audit-key`;
    const oldKey = (await readFile(keyFile, 'utf8')).trim();

    const rotated = await runCliInProcess(['audit', 'rotate-key'], { ...sandboxEnv, LIENTHONG_NEW_AUDIT_KEY: NEW_KEY });
    expect(rotated.code, rotated.stderr).toBe(0);
    expect(rotated.stdout).toContain(`key id ${id(oldKey)} -> ${id(NEW_KEY)}\nthe store's .audit-key file now holds the new key on its first line`);
    expect(await readFile(keyFile, 'utf8')).toBe(`${NEW_KEY}\n${oldKey}\n`);
    expect((await stat(keyFile)).mode & 0o777).toBe(0o600);

    const again = await startSandboxCommand(sandboxEnv);
    again.child.kill('SIGTERM');
    await again.exited;
    const verified = await runCliInProcess(['audit', 'verify'], sandboxEnv);
    expect(verified.code, verified.stderr).toBe(0);
  });
});
