/**
 * Whole-gateway: the sandbox runs as a real child process and delivers SMS to an echo provider running here, which
 * holds its answers until the test lets them go. The gateway is stopped with SIGSTOP while its attempts wait for those
 * answers and resumed only after the attempt timeout has passed. Answers the provider gave while the gateway was
 * stopped must count as answers (no timeout, no circuit opened, nothing sent again); answers it did not give are a
 * timeout, but not one the provider is blamed for (no circuit opened).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '../core/sdk/contract.ts';
import { simulatorClient } from '../core/sdk/testing.ts';
import { type ChildSandbox, startChildSandbox } from './support/child-sandbox.ts';
import { type EchoReceipt, startEchoSimulator } from './support/echo-sms/simulator.ts';

const CLIENT_KEY = 'lt_test_client_paused_gateway_0001';
const OPERATOR_KEY = 'lt_test_operator_paused_gateway_0001';
const AGENCY = '000.00.01.H22';
const ATTEMPT_TIMEOUT_MS = 1_000;
const MESSAGES = 6;

let dir: string;
let echo: RunningSimulator;
let gateway: ChildSandbox | undefined;
/** Answers the provider holds until the test lets them go. */
let held: Array<() => void>;
/** Once set, the provider answers at once again. */
let answering: boolean;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lienthong-paused-'));
  held = [];
  answering = false;
  echo = await startEchoSimulator(
    { host: '127.0.0.1', port: 0, log: pino({ level: 'silent' }) },
    { beforeAnswer: () => (answering ? Promise.resolve() : new Promise<void>((answer) => held.push(answer))) },
  );
});

afterEach(async () => {
  for (const answer of held) answer();
  if (gateway) {
    // SIGKILL ends a stopped process too.
    if (gateway.child.exitCode === null && gateway.child.signalCode === null) gateway.child.kill('SIGKILL');
    await gateway.exited;
    gateway = undefined;
  }
  await echo.close();
  await rm(dir, { recursive: true, force: true });
});

async function startGateway(): Promise<ChildSandbox> {
  gateway = await startChildSandbox({
    LIENTHONG_DB: join(dir, 'lienthong.db'),
    LIENTHONG_TEST_PLUGINS: 'echo-sms',
    LIENTHONG_TEST_ECHO_URL: echo.url,
    LIENTHONG_SANDBOX_CLIENT_KEY: CLIENT_KEY,
    LIENTHONG_SANDBOX_OPERATOR_KEY: OPERATOR_KEY,
    // Two provider failures open the circuit; short backoff so that a wrongly recorded timeout is retried at once.
    // The leases (timeout + 500 ms) run out during the pause: the gateway must not claim its own messages again
    // while their attempts are still settling.
    LIENTHONG_TEST_DELIVERY: JSON.stringify({ timeoutMs: ATTEMPT_TIMEOUT_MS, breakerThreshold: 2, baseDelayMs: 50, maxDelayMs: 200, maxAttempts: 10 }),
    LIENTHONG_TEST_WORKER: JSON.stringify({ pollIntervalMs: 50, leaseMarginMs: 500 }),
  });
  return gateway;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`still waiting for ${what}\n${gateway?.stderr() ?? ''}`);
    await sleep(50);
  }
}

/** The state letter Linux shows for the child (`T` once stopped). */
async function processState(target: ChildSandbox): Promise<string> {
  const stat = await readFile(`/proc/${target.child.pid}/stat`, 'utf8');
  // The command name in parentheses may hold spaces: the state follows its closing parenthesis.
  return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
}

interface MessageView {
  id: string;
  status: string;
  attempts: number;
  totalAttempts: number;
  lastError: string | null;
}

async function message(target: ChildSandbox, id: string): Promise<MessageView> {
  const answer = await fetch(`${target.url}/v1/messages/${id}`, { headers: { authorization: `Bearer ${CLIENT_KEY}` } });
  return (await answer.json()) as MessageView;
}

async function sendMessages(target: ChildSandbox): Promise<string[]> {
  const ids: string[] = [];
  for (let n = 0; n < MESSAGES; n++) {
    const answer = await fetch(`${target.url}/v1/sms/send`, {
      method: 'POST',
      headers: { authorization: `Bearer ${CLIENT_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ agency: AGENCY, to: '0981234567', text: `Ho so so ${n} da duoc tiep nhan`, reference: `HS-${n}` }),
    });
    expect(answer.status).toBe(202);
    ids.push(((await answer.json()) as { id: string }).id);
  }
  return ids;
}

/**
 * Once the provider holds every request: stops the gateway, lets `duringPause` run (the provider answering, or not),
 * and resumes the gateway after the attempt timeout has passed.
 */
async function pauseWhileHeld(target: ChildSandbox, duringPause: () => void): Promise<void> {
  await until('every message to reach the provider', () => (held.length === MESSAGES ? true : undefined));
  target.child.kill('SIGSTOP');
  // Stopped for sure before anything else happens: a process not yet scheduled to take the signal could still read.
  await until('the gateway to stop', async () => ((await processState(target)) === 'T' ? true : undefined));
  duringPause();
  // Stopped past the attempt timeout, by a margin no scheduler's hiccup explains.
  await sleep(ATTEMPT_TIMEOUT_MS * 4);
  target.child.kill('SIGCONT');
}

async function circuitOf(target: ChildSandbox): Promise<string | undefined> {
  const answer = await fetch(`${target.url}/admin/v1/instances`, { headers: { authorization: `Bearer ${OPERATOR_KEY}` } });
  const { instances } = (await answer.json()) as { instances: Array<{ id: string; circuit: string }> };
  return instances.find((instance) => instance.id === 'echo-sms')?.circuit;
}

describe('a gateway paused (SIGSTOP) longer than the attempt timeout', () => {
  it('records the answers the provider gave meanwhile as answers: no timeout, circuit closed, nothing sent again', async () => {
    const target = await startGateway();
    const ids = await sendMessages(target);
    // The provider answers while the gateway cannot read: well within the timeout of each attempt.
    await pauseWhileHeld(target, () => {
      for (const answer of held.splice(0)) answer();
    });

    const views = await until('every message to succeed', async () => {
      const all = await Promise.all(ids.map((id) => message(target, id)));
      // An attempt recorded as failed (a timeout) will not come right by waiting: say so at once.
      const failed = all.filter((view) => view.status === 'dead' || view.lastError !== null || view.totalAttempts > 1);
      if (failed.length > 0) throw new Error(`attempts recorded as failed: ${JSON.stringify(failed)}\n${target.stderr()}`);
      return all.every((view) => view.status === 'succeeded') ? all : undefined;
    });
    // Each answer counted as the answer it was: one attempt, no error kept.
    for (const view of views) expect(view).toMatchObject({ status: 'succeeded', attempts: 1, totalAttempts: 1, lastError: null });
    // The provider was asked once for each message: nothing was sent again.
    const receipts = await simulatorClient(echo.url).received<EchoReceipt>();
    expect(receipts).toHaveLength(MESSAGES);
    for (const receipt of receipts) expect(receipt.deliveries).toBe(1);
    expect(await circuitOf(target)).toBe('closed');
    expect(target.stderr()).not.toMatch(/circuit of instance echo-sms opened/);
  });

  it('does not blame the provider for the answers it had not given: a timeout retried, the circuit left closed', async () => {
    const target = await startGateway();
    const ids = await sendMessages(target);
    // The provider does not answer the requests it holds (a hung provider); it answers the next ones at once.
    await pauseWhileHeld(target, () => {
      answering = true;
    });

    await until('every message to succeed', async () => {
      const all = await Promise.all(ids.map((id) => message(target, id)));
      if (all.some((view) => view.status === 'dead')) throw new Error(`a message went dead: ${JSON.stringify(all)}\n${target.stderr()}`);
      return all.every((view) => view.status === 'succeeded') ? all : undefined;
    });
    // The first attempt of each timed out, said why, and was tried again.
    for (const id of ids) {
      const answer = await fetch(`${target.url}/admin/v1/messages/${id}`, { headers: { authorization: `Bearer ${OPERATOR_KEY}` } });
      const { attemptHistory } = (await answer.json()) as { attemptHistory: Array<{ outcome: string; error: string | null; providerCode: string | null }> };
      expect(attemptHistory.map((attempt) => attempt.outcome)).toEqual(['retry', 'succeeded']);
      expect(attemptHistory[0]).toMatchObject({ providerCode: 'TIMEOUT' });
      expect(attemptHistory[0]?.error).toMatch(/did not run for \d+ s meanwhile/);
    }
    // Sent twice, as at-least-once requires after a call nobody answered; not a third time.
    const receipts = await simulatorClient(echo.url).received<EchoReceipt>();
    expect(receipts.map((receipt) => receipt.deliveries)).toEqual(Array.from({ length: MESSAGES }, () => 2));
    // Six timeouts against a threshold of two, and the circuit never opened: none of them was the provider's.
    expect(await circuitOf(target)).toBe('closed');
    expect(target.stderr()).not.toMatch(/circuit of instance echo-sms opened/);
  });
});
