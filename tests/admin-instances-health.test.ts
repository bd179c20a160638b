/**
 * Whole-gateway: the sandbox runs as a real child process with the echo SMS provider running here, whose health
 * answer the test holds or gives. `GET /admin/v1/instances` answers from the health the gateway checks in the
 * background: while the provider's health hangs it answers at once with the last known health and its age, and the
 * health changes by itself when the provider goes down and comes back.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '../core/sdk/contract.ts';
import { type ChildSandbox, startChildSandbox } from './support/child-sandbox.ts';
import { startEchoSimulator } from './support/echo-sms/simulator.ts';

const OPERATOR_KEY = 'lt_test_operator_instances_health_0001';

let dir: string;
let echo: RunningSimulator;
let gateway: ChildSandbox | undefined;
/** How the provider's health answers next: at once, or held until the test lets it answer. */
let state: 'ok' | 'down' | 'hanging';
let held: Array<(answer: 'ok' | 'down') => void>;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lienthong-health-'));
  state = 'ok';
  held = [];
  echo = await startEchoSimulator(
    { host: '127.0.0.1', port: 0, log: pino({ level: 'silent' }) },
    { health: () => (state === 'hanging' ? new Promise((answer) => held.push(answer)) : Promise.resolve(state)) },
  );
});

afterEach(async () => {
  for (const answer of held) answer('ok');
  await gateway?.stop();
  gateway = undefined;
  await echo.close();
  await rm(dir, { recursive: true, force: true });
});

interface HealthView {
  ok: boolean | null;
  detail?: Record<string, unknown>;
  checkedAt: string | null;
  ageMs: number | null;
}

async function healthOf(target: ChildSandbox): Promise<HealthView> {
  const answer = await fetch(`${target.url}/admin/v1/instances`, { headers: { authorization: `Bearer ${OPERATOR_KEY}` } });
  expect(answer.status).toBe(200);
  const { instances } = (await answer.json()) as { instances: Array<{ id: string; health: HealthView | null }> };
  const health = instances.find((instance) => instance.id === 'echo-sms')?.health;
  if (!health) throw new Error(`no health for echo-sms: ${JSON.stringify(instances)}`);
  return health;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`still waiting for ${what}; last seen ${JSON.stringify(value)}\n${gateway?.stderr() ?? ''}`);
    await sleep(50);
  }
}

describe('GET /admin/v1/instances', () => {
  it("answers from health checked in the background: at once while the provider's health hangs, with its age, and changes by itself", async () => {
    const target = await startChildSandbox({
      LIENTHONG_DB: join(dir, 'lienthong.db'),
      LIENTHONG_TEST_PLUGINS: 'echo-sms',
      LIENTHONG_TEST_ECHO_URL: echo.url,
      LIENTHONG_SANDBOX_OPERATOR_KEY: OPERATOR_KEY,
      // Checked often; a check without an answer is given far longer than this test takes.
      LIENTHONG_TEST_HEALTH: JSON.stringify({ intervalMs: 100, timeoutMs: 600_000 }),
    });
    gateway = target;

    const healthy = await until('the first health check', () => healthOf(target), (health) => health.ok !== null);
    expect(healthy).toEqual({ ok: true, detail: { status: 'ok' }, checkedAt: expect.any(String), ageMs: expect.any(Number) });

    // The provider's health hangs: the gateway's next check waits for an answer that does not come.
    state = 'hanging';
    await until('a health check to hang', async () => held.length, (count) => count > 0);
    const first = await healthOf(target);
    await sleep(300);
    const second = await healthOf(target);
    // Both answered while the check hung (it is still held), from the last finished check, older at each read.
    expect(held.length).toBe(1);
    expect(first).toMatchObject({ ok: true, checkedAt: healthy.checkedAt });
    expect(second).toMatchObject({ ok: true, checkedAt: healthy.checkedAt });
    expect(second.ageMs).toBeGreaterThan(first.ageMs ?? Number.POSITIVE_INFINITY);

    // The provider answers that it is down, and keeps saying so: the health follows, unasked.
    state = 'down';
    for (const answer of held.splice(0)) answer('down');
    const down = await until('the health to turn down', () => healthOf(target), (health) => health.ok === false);
    expect(down.detail?.error).toMatch(/^HTTP 503 from 127\.0\.0\.1:\d+/);
    expect(Date.parse(down.checkedAt ?? '')).toBeGreaterThan(Date.parse(healthy.checkedAt ?? ''));

    // It recovers: so does the health, by itself.
    state = 'ok';
    await until('the health to recover', () => healthOf(target), (health) => health.ok === true);
  });
});
