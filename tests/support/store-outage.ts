/**
 * What the whole-gateway tests of a store that cannot write share: a sandbox child with one SMS provider, sending
 * SMS to it, reading a message's status, and the lines its log says about the store.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { expect, vi } from 'vitest';
import { TEST_AUDIT_KEY_TEXT } from '../../core/testing/test-audit-key.ts';
import { type ChildSandbox, startChildSandbox } from './child-sandbox.ts';
import { ROOT } from './run-cli.ts';

export const CLIENT_KEY = 'lt_test_client_store_outage_0001';
export const AGENCY = '000.00.01.H22';

/** The sandbox on `db`, with short retries and leases so that messages left by a refused write go out soon after. */
export function startOutageGateway(db: string, env: Record<string, string> = {}): Promise<ChildSandbox> {
  return startChildSandbox({
    LIENTHONG_DB: db,
    LIENTHONG_AUDIT_KEY: TEST_AUDIT_KEY_TEXT,
    LIENTHONG_TEST_PLUGINS: 'echo-sms',
    LIENTHONG_SANDBOX_CLIENT_KEY: CLIENT_KEY,
    LIENTHONG_SANDBOX_OPERATOR_KEY: 'lt_test_operator_store_outage_0001',
    LIENTHONG_TEST_DELIVERY: JSON.stringify({ baseDelayMs: 50, maxDelayMs: 400, timeoutMs: 2000, maxAttempts: 50, breakerThreshold: 1000 }),
    LIENTHONG_TEST_WORKER: JSON.stringify({ leaseMarginMs: 500, pollIntervalMs: 50 }),
    // The lines the worker writes when the store stops and starts writing are what these tests read.
    LOG_LEVEL: 'info',
    ...env,
  });
}

export function sendSms(gateway: ChildSandbox, n: number): Promise<Response> {
  return fetch(`${gateway.url}/v1/sms/send`, {
    method: 'POST',
    headers: { authorization: `Bearer ${CLIENT_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ agency: AGENCY, to: '0981234567', text: `Ho so ${n} da duoc tiep nhan` }),
  });
}

/** Sends one SMS that must be accepted; returns its id. */
export async function accepted(gateway: ChildSandbox, n: number): Promise<string> {
  const response = await sendSms(gateway, n);
  expect(response.status, await response.clone().text()).toBe(202);
  return ((await response.json()) as { id: string }).id;
}

export async function statusOf(gateway: ChildSandbox, id: string): Promise<string> {
  const response = await fetch(`${gateway.url}/v1/messages/${id}`, { headers: { authorization: `Bearer ${CLIENT_KEY}` } });
  return ((await response.json()) as { status: string }).status;
}

/** Waits until every message in `ids` has been delivered. */
export async function allDelivered(gateway: ChildSandbox, ids: string[]): Promise<void> {
  await vi.waitFor(
    async () => {
      const statuses = await Promise.all(ids.map((id) => statusOf(gateway, id)));
      expect(statuses.filter((status) => status !== 'succeeded')).toEqual([]);
    },
    { timeout: 45_000, interval: 200 },
  );
}

export const readyz = (gateway: ChildSandbox) => fetch(`${gateway.url}/readyz`);

/** Waits until /readyz answers 200, by itself: the test writes nothing meanwhile. */
export async function readyAgain(gateway: ChildSandbox): Promise<void> {
  await vi.waitFor(async () => expect((await readyz(gateway)).status).toBe(200), { timeout: 30_000, interval: 200 });
}

/** The gateway's log lines about the store's outages (the worker's), by message. */
export function outageLines(gateway: ChildSandbox): string[] {
  return gateway
    .stderr()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => (JSON.parse(line) as { msg?: string }).msg ?? '')
    .filter((msg) => /^store (unavailable|writable again)|delivery pass failed/.test(msg));
}

export interface LockHolder {
  pid: number;
  /** SIGKILL, then waits for the exit: the kernel drops the lock. */
  kill(): Promise<void>;
}

/** Starts tests/support/hold-write-lock.ts on `db` and resolves once it holds the write lock. */
export async function holdWriteLock(db: string): Promise<LockHolder> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'tests/support/hold-write-lock.ts', db], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = once(child, 'exit');
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('holding')) resolve();
    });
    exited.then(() => reject(new Error(`hold-write-lock exited before it held the lock:\n${stderr}`)));
  });
  return {
    pid: child.pid ?? 0,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGCONT');
        child.kill('SIGKILL');
      }
      await exited;
    },
  };
}
