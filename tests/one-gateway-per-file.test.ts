/**
 * Whole-gateway: one gateway process per SQLite file. A sandbox runs as a real child process; a second gateway
 * (`lienthong sandbox`, `lienthong serve`) on the same file refuses to start in one line that names the file and the
 * first one's pid and points to PostgreSQL, exits 1 and writes nothing, also while the first is stopped (SIGSTOP).
 * A CLI verb may still use the file. After kill -9 of the first, the next start is not blocked by what it left.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { SqliteStore } from '../core/store/sqlite/sqlite-store.ts';
import { TEST_AUDIT_KEY, TEST_AUDIT_KEY_TEXT } from '../core/testing/test-audit-key.ts';
import { type ChildSandbox, startChildSandbox } from './support/child-sandbox.ts';
import { type ChildEnv, killChildren, runCli } from './support/run-cli.ts';

const CLIENT_KEY = 'lt_test_client_one_gateway_0001';
const AGENCY = '000.00.01.H22';

let dir: string;
let db: string;
let config: string;
const gateways: ChildSandbox[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lienthong-one-gateway-'));
  db = join(dir, 'gateway.db');
  config = join(dir, 'gateway.json');
  await writeFile(config, JSON.stringify({ agencies: [{ code: AGENCY }] }));
});
afterEach(async () => {
  for (const gateway of gateways.splice(0)) {
    gateway.child.kill('SIGCONT');
    if (gateway.child.exitCode === null && gateway.child.signalCode === null) gateway.child.kill('SIGKILL');
    await gateway.exited;
  }
  await killChildren();
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** What a verb or a second gateway runs with: the same file and audit key. */
const env = (): ChildEnv => ({
  LIENTHONG_DB: db,
  LIENTHONG_AUDIT_KEY: TEST_AUDIT_KEY_TEXT,
  LIENTHONG_DATABASE_URL: undefined,
  LIENTHONG_SANDBOX_CLIENT_KEY: undefined,
  LIENTHONG_SANDBOX_OPERATOR_KEY: undefined,
});

async function startGateway(): Promise<ChildSandbox> {
  const gateway = await startChildSandbox({
    LIENTHONG_DB: db,
    LIENTHONG_AUDIT_KEY: TEST_AUDIT_KEY_TEXT,
    LIENTHONG_TEST_PLUGINS: 'echo-sms',
    LIENTHONG_SANDBOX_CLIENT_KEY: CLIENT_KEY,
    LIENTHONG_SANDBOX_OPERATOR_KEY: 'lt_test_operator_one_gateway_0001',
  });
  gateways.push(gateway);
  return gateway;
}

function sendSms(gateway: ChildSandbox, n: number): Promise<Response> {
  return fetch(`${gateway.url}/v1/sms/send`, {
    method: 'POST',
    headers: { authorization: `Bearer ${CLIENT_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ agency: AGENCY, to: '0981234567', text: `Ho so ${n} da duoc tiep nhan` }),
  });
}

/** What is in the file: every audit entry and key, read the way a verb reads it. */
async function contents() {
  const store = await SqliteStore.open(db, { auditKey: TEST_AUDIT_KEY });
  try {
    return { audit: await store.listAudit({}, 10_000), keys: await store.listKeys() };
  } finally {
    await store.close();
  }
}

/** The one line a refused start prints on stderr (after the `store:` line the sandbox prints first). */
function refusal(stderr: string, pid: number | undefined): string {
  const lines = stderr.split('\n').filter((line) => line.startsWith('lienthong: '));
  expect(lines, stderr).toHaveLength(1);
  const line = lines[0] ?? '';
  expect(line).toContain(`lienthong: ${db} is in use by the gateway process with pid ${pid} on host `);
  expect(line).toContain('one gateway process per SQLite file; stop that one first, or run several gateway processes on PostgreSQL (LIENTHONG_DATABASE_URL)');
  return line;
}

describe('a second gateway process on the same SQLite file', () => {
  it('refuses to start (sandbox and serve), exit 1, writing nothing; a verb may still use the file', async () => {
    const first = await startGateway();
    const sent = await sendSms(first, 1);
    expect(sent.status).toBe(202);
    // Delivered, so that the first gateway itself writes nothing more meanwhile.
    const { id } = (await sent.json()) as { id: string };
    await vi.waitFor(
      async () => {
        const view = await fetch(`${first.url}/v1/messages/${id}`, { headers: { authorization: `Bearer ${CLIENT_KEY}` } });
        expect(((await view.json()) as { status: string }).status).toBe('succeeded');
      },
      { timeout: 20_000, interval: 100 },
    );
    const before = await contents();

    const sandbox = await runCli(['sandbox', '--port', '0', '--db', db], env());
    expect(sandbox.code).toBe(1);
    refusal(sandbox.stderr, first.child.pid);
    const serve = await runCli(['serve', '--config', config, '--port', '0', '--host', '127.0.0.1', '--db', db], env());
    expect(serve.code).toBe(1);
    refusal(serve.stderr, first.child.pid);
    // The sandbox would have made keys and both a config.loaded entry: nothing of it.
    expect(await contents()).toEqual(before);

    const listed = await runCli(['messages', 'list', '--db', db], env());
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toContain('sms');
    // The first one never noticed.
    expect((await sendSms(first, 2)).status).toBe(202);
  });

  it('counts a stopped process (SIGSTOP) as running', async () => {
    const first = await startGateway();
    first.child.kill('SIGSTOP');
    try {
      const second = await runCli(['sandbox', '--port', '0', '--db', db], env());
      expect(second.code).toBe(1);
      refusal(second.stderr, first.child.pid);
    } finally {
      first.child.kill('SIGCONT');
    }
    expect((await sendSms(first, 3)).status).toBe(202);
  });

  it('starts after the first was killed with SIGKILL: what the dead process left does not block it', async () => {
    const first = await startGateway();
    first.child.kill('SIGKILL');
    expect(await first.exited).toBe('SIGKILL');
    const next = await startGateway();
    expect((await sendSms(next, 4)).status).toBe(202);
    // And after a graceful stop, the file is free again.
    expect(await next.stop()).toBe(0);
    const after = await startGateway();
    expect((await sendSms(after, 5)).status).toBe(202);
  });
});
