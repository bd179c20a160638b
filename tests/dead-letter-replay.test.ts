/**
 * Whole-gateway: a provider that refuses puts messages in the dead letters, the one-stop software hears of it
 * through a signed `message.dead` webhook, and an operator replays them (dry run first) once the provider is back.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { simulatorClient, type SimulatorClient } from '../core/sdk/testing.ts';
import { type ChildSandbox, startChildSandbox } from './support/child-sandbox.ts';

const CLIENT_KEY = 'lt_test_client_dead_letters_0001';
const OPERATOR_KEY = 'lt_test_operator_dead_letters_0001';
const AGENCY = '000.00.01.H22';

let dir: string;
let gateway: ChildSandbox;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lienthong-dead-'));
  gateway = await startChildSandbox({
    LIENTHONG_DB: join(dir, 'lienthong.db'),
    LIENTHONG_SANDBOX_CLIENT_KEY: CLIENT_KEY,
    LIENTHONG_SANDBOX_OPERATOR_KEY: OPERATOR_KEY,
    LIENTHONG_TEST_DELIVERY: JSON.stringify({ baseDelayMs: 20, maxDelayMs: 100, maxAttempts: 3 }),
    LIENTHONG_TEST_WORKER: JSON.stringify({ pollIntervalMs: 50 }),
  });
});

afterEach(async () => {
  gateway.child.kill('SIGTERM');
  await gateway.exited;
  await rm(dir, { recursive: true, force: true });
});

const asOperator = (path: string, init: RequestInit = {}) =>
  fetch(`${gateway.url}${path}`, { ...init, headers: { authorization: `Bearer ${OPERATOR_KEY}`, 'content-type': 'application/json' } });

function simulator(plugin: string): SimulatorClient {
  const url = gateway.simulators[plugin];
  if (!url) throw new Error(`no simulator for ${plugin}`);
  return simulatorClient(url);
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${gateway.stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

interface WebhookEntry {
  id: string;
  type: string;
  deliveries: number;
  data: { messageId: string; lastError: string; capability: string };
}

describe('dead letters', () => {
  it('are announced by a signed webhook and delivered after an operator replays them', async () => {
    await simulator('echo-sms').control({ failRate: 1, failMode: 'permanent' });
    const ids: string[] = [];
    for (const n of [1, 2, 3]) {
      const answer = await fetch(`${gateway.url}/v1/sms/send`, {
        method: 'POST',
        headers: { authorization: `Bearer ${CLIENT_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ agency: AGENCY, to: '0912345678', text: `Ho so ${n} can bo sung giay to` }),
      });
      expect(answer.status).toBe(202);
      ids.push(((await answer.json()) as { id: string }).id);
    }

    // A refusal is final at once: one attempt each, then dead.
    const dead = await until('three dead messages', async () => {
      const page = (await (await asOperator('/admin/v1/messages?status=dead&capability=sms')).json()) as { messages: Array<{ id: string; attempts: number; lastError: string }> };
      return page.messages.length === 3 ? page.messages : undefined;
    });
    expect(dead.map((message) => message.id).sort()).toEqual([...ids].sort());
    expect(dead.every((message) => message.attempts === 1 && /rejected/.test(message.lastError))).toBe(true);

    // The webhook receiver verified each signature before it recorded the event.
    const events = await until('three message.dead webhooks', async () => {
      const received = await simulator('webhook').received<WebhookEntry>();
      const deadEvents = received.filter((entry) => entry.type === 'message.dead');
      return deadEvents.length === 3 ? deadEvents : undefined;
    });
    expect(events.map((event) => event.data.messageId).sort()).toEqual([...ids].sort());
    expect(events.every((event) => event.data.capability === 'sms' && event.data.lastError)).toBe(true);

    // A dry run tells how many and where, and changes nothing.
    const plan = await asOperator('/admin/v1/replay', { method: 'POST', body: JSON.stringify({ filter: { capability: 'sms' }, dryRun: true }) });
    expect(await plan.json()).toEqual({ dryRun: true, total: 3, byInstance: { 'echo-sms': 3 } });
    const stillDead = (await (await asOperator('/admin/v1/messages?status=dead&capability=sms')).json()) as { messages: unknown[] };
    expect(stillDead.messages).toHaveLength(3);

    // The provider is back: replay one by id, the rest by filter.
    await simulator('echo-sms').control({ failRate: 0 });
    const [first] = ids;
    const one = await asOperator(`/admin/v1/messages/${first}/replay`, { method: 'POST' });
    expect(one.status).toBe(200);
    const rest = await asOperator('/admin/v1/replay', { method: 'POST', body: JSON.stringify({ filter: { capability: 'sms' } }) });
    expect(((await rest.json()) as { queued: number }).queued).toBe(2);

    const delivered = await until('all three delivered', async () => {
      const views = await Promise.all(ids.map(async (id) => (await (await asOperator(`/admin/v1/messages/${id}`)).json()) as { status: string; replays: number; attemptHistory: Array<{ round: number; outcome: string }> }));
      return views.every((view) => view.status === 'succeeded') ? views : undefined;
    });
    for (const view of delivered) {
      expect(view.replays).toBe(1);
      // The refused attempt of the first round and the successful one after the replay are both on record.
      expect(view.attemptHistory.map((attempt) => [attempt.round, attempt.outcome])).toEqual([[0, 'dead'], [1, 'succeeded']]);
    }
    const receipts = await simulator('echo-sms').received<{ requestId: string }>();
    expect(receipts.map((receipt) => receipt.requestId).sort()).toEqual([...ids].sort());
  });
});
