/**
 * Whole-gateway: the sandbox runs as a real child process, the echo SMS provider runs here (so it outlives the
 * gateway), faults are injected through /__control, and the gateway is killed with SIGKILL mid-load. After a
 * restart on the same database, every message that was answered 202 must end delivered or dead: none lost.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '../core/sdk/contract.ts';
import { simulatorClient, type SimulatorClient } from '../core/sdk/testing.ts';
import { type ChildSandbox, startChildSandbox } from './support/child-sandbox.ts';
import { type EchoReceipt, startEchoSimulator } from './support/echo-sms/simulator.ts';

const CLIENT_KEY = 'lt_test_client_crash_recovery_0001';
const OPERATOR_KEY = 'lt_test_operator_crash_recovery_0001';
const AGENCY = '000.00.01.H22';

let dir: string;
let echo: RunningSimulator;
let echoControls: SimulatorClient;
let gateways: ChildSandbox[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lienthong-crash-'));
  echo = await startEchoSimulator({ host: '127.0.0.1', port: 0, log: pino({ level: 'silent' }) });
  echoControls = simulatorClient(echo.url);
});

afterEach(async () => {
  for (const gateway of gateways) if (gateway.child.exitCode === null && gateway.child.signalCode === null) gateway.child.kill('SIGKILL');
  await Promise.all(gateways.map((gateway) => gateway.exited));
  gateways = [];
  await echo.close();
  await rm(dir, { recursive: true, force: true });
});

async function startGateway(): Promise<ChildSandbox> {
  const gateway = await startChildSandbox({
    LIENTHONG_DB: join(dir, 'lienthong.db'),
    LIENTHONG_TEST_ECHO_URL: echo.url,
    LIENTHONG_SANDBOX_CLIENT_KEY: CLIENT_KEY,
    LIENTHONG_SANDBOX_OPERATOR_KEY: OPERATOR_KEY,
    // Short backoff and leases so the rehearsal takes seconds; 25 attempts make a death by 30% faults unlikely.
    LIENTHONG_TEST_DELIVERY: JSON.stringify({ baseDelayMs: 50, maxDelayMs: 400, timeoutMs: 2000, maxAttempts: 25, breakerThreshold: 1000 }),
    LIENTHONG_TEST_WORKER: JSON.stringify({ leaseMarginMs: 500, pollIntervalMs: 50 }),
  });
  gateways.push(gateway);
  return gateway;
}

function sendSms(gateway: ChildSandbox, n: number): Promise<Response> {
  return fetch(`${gateway.url}/v1/sms/send`, {
    method: 'POST',
    headers: { authorization: `Bearer ${CLIENT_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ agency: AGENCY, to: '0981234567', text: `Ho so so ${n} da duoc tiep nhan`, reference: `HS-${n}` }),
  });
}

/** Sends from `senders` concurrent loops until `stopWhen` says so; returns the ids answered 202. */
async function load(gateway: ChildSandbox, senders: number, stopWhen: (accepted: number) => boolean): Promise<string[]> {
  const accepted: string[] = [];
  let n = 0;
  let stopped = false;
  const loop = async () => {
    while (!stopped) {
      let answer: Response;
      try {
        answer = await sendSms(gateway, n++);
      } catch {
        // The gateway was killed under us: a request without an answer was never promised.
        stopped = true;
        return;
      }
      const body = (await answer.json()) as { id: string };
      expect(answer.status).toBe(202);
      accepted.push(body.id);
      if (stopWhen(accepted.length)) stopped = true;
    }
  };
  await Promise.all(Array.from({ length: senders }, loop));
  return accepted;
}

interface MessageView {
  id: string;
  status: string;
  attempts: number;
  lastError: string | null;
}

const POLL_CONCURRENCY = 32;

/** Polls until every id is succeeded or dead; fails the test (with the stragglers) after `timeoutMs`. */
async function settled(gateway: ChildSandbox, ids: string[], timeoutMs = 45_000): Promise<MessageView[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    // A few at a time, as a client with a connection pool would: one address may hold only so many connections.
    const views: MessageView[] = [];
    for (let from = 0; from < ids.length; from += POLL_CONCURRENCY) {
      const batch = ids.slice(from, from + POLL_CONCURRENCY).map(async (id) => {
        const answer = await fetch(`${gateway.url}/v1/messages/${id}`, { headers: { authorization: `Bearer ${CLIENT_KEY}` } });
        expect(answer.status, `message ${id} must exist after the restart`).toBe(200);
        return (await answer.json()) as MessageView;
      });
      views.push(...(await Promise.all(batch)));
    }
    const open = views.filter((view) => view.status !== 'succeeded' && view.status !== 'dead');
    if (open.length === 0) return views;
    if (Date.now() > deadline) throw new Error(`${open.length} message(s) still open: ${JSON.stringify(open.slice(0, 3))}\n${gateway.stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function receipts(): Promise<Map<string, EchoReceipt>> {
  const list = await echoControls.received<EchoReceipt>();
  return new Map(list.map((receipt) => [receipt.requestId, receipt]));
}

describe('a gateway killed with SIGKILL mid-load', () => {
  it('loses no accepted message: after a restart each is delivered or dead', async () => {
    await echoControls.control({ failRate: 0.3, failMode: 'transient', latencyMs: 20 });
    const first = await startGateway();
    const accepted = await load(first, 16, (count) => {
      if (count === 300) first.child.kill('SIGKILL');
      return false;
    });
    expect(await first.exited).toBe('SIGKILL');
    expect(accepted.length).toBeGreaterThanOrEqual(300);

    const second = await startGateway();
    const views = await settled(second, accepted);
    const delivered = await receipts();

    // Nothing lost: every accepted message ended, and every delivered one reached the provider.
    expect(views).toHaveLength(accepted.length);
    for (const view of views) {
      if (view.status === 'succeeded') expect(delivered.has(view.id), `${view.id} reached the provider`).toBe(true);
      else expect(view.lastError).toBeTruthy();
    }
    // The faults were real: some messages needed more than one attempt.
    expect(views.some((view) => view.attempts > 1)).toBe(true);
    // With 25 attempts against 30% transient faults, a death would mean a bug, not bad luck (0.3^25).
    expect(views.filter((view) => view.status === 'dead')).toEqual([]);

    // The kill left no state change without its audit entry: the chain verifies, and each accepted message
    // has exactly one acceptance entry (written in the same transaction as the message itself).
    const operator = { authorization: `Bearer ${OPERATOR_KEY}` };
    const verified = await (await fetch(`${second.url}/admin/v1/audit/verify`, { method: 'POST', headers: operator })).json();
    expect(verified).toMatchObject({ ok: true });
    for (const id of accepted.slice(0, 40)) {
      const trail = (await (await fetch(`${second.url}/admin/v1/audit?messageId=${id}`, { headers: operator })).json()) as { entries: Array<{ action: string }> };
      expect(trail.entries.filter((entry) => entry.action === 'message.accepted')).toHaveLength(1);
      expect(trail.entries.some((entry) => entry.action === 'attempt')).toBe(true);
    }
  });

  it('stops gracefully on SIGTERM: attempts in flight finish or go back to the queue', async () => {
    await echoControls.control({ latencyMs: 300 });
    const first = await startGateway();
    const accepted = await load(first, 8, (count) => count >= 80);
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);

    await echoControls.control({ latencyMs: 0 });
    const second = await startGateway();
    const views = await settled(second, accepted);
    expect(views.every((view) => view.status === 'succeeded')).toBe(true);
    const delivered = await receipts();
    for (const id of accepted) expect(delivered.has(id)).toBe(true);
  });
});
