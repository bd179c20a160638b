/**
 * Whole-gateway: the sandbox with the sms-viettel plugin runs as a real child process and sends through its SOAP
 * simulator, which fails 30% of the requests transiently. Every SMS must be delivered, and none may reach the
 * simulator twice, except where a retry followed a timeout (the only case where an answer can be lost after the
 * service took the message). A text over the instance's maxSegments is refused with 400 and stores nothing.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sandboxClient, simulatorClient, type SimulatorClient } from '../core/sdk/testing.ts';
import type { ReceivedSms } from '../plugins/sms-viettel/simulator/service.ts';
import { type ChildSandbox, startChildSandbox } from './support/child-sandbox.ts';

const CLIENT_KEY = 'lt_test_client_sms_viettel_0001';
const OPERATOR_KEY = 'lt_test_operator_sms_viettel_0001';
const AGENCY = '000.00.01.H22';
const MESSAGES = 60;
/** What the gateway records for an attempt that ran out of time (its own timeout, or the HTTP client's). */
const TIMEOUT_CODES = new Set(['TIMEOUT', 'ETIMEDOUT', 'ECONNABORTED', 'ABORTED']);

interface MessageView {
  id: string;
  status: string;
  attempts: number;
  lastError: string | null;
  result: { providerMessage: string; segments: number; duplicate?: boolean } | null;
}


let dir: string;
let gateway: ChildSandbox;
let simulator: SimulatorClient;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lienthong-viettel-'));
  gateway = await startChildSandbox({
    LIENTHONG_TEST_SMS_PLUGIN: 'sms-viettel',
    LIENTHONG_DB: join(dir, 'lienthong.db'),
    LIENTHONG_SANDBOX_CLIENT_KEY: CLIENT_KEY,
    LIENTHONG_SANDBOX_OPERATOR_KEY: OPERATOR_KEY,
    // Short backoff so the rehearsal takes seconds; 25 attempts make a death by 30% faults unlikely (0.3^25).
    LIENTHONG_TEST_DELIVERY: JSON.stringify({ baseDelayMs: 50, maxDelayMs: 400, timeoutMs: 2000, maxAttempts: 25, breakerThreshold: 1000 }),
    LIENTHONG_TEST_WORKER: JSON.stringify({ leaseMarginMs: 500, pollIntervalMs: 50 }),
  });
  const url = gateway.simulators['sms-viettel'];
  if (!url) throw new Error(`the sandbox runs no sms-viettel simulator: ${JSON.stringify(gateway.simulators)}`);
  simulator = simulatorClient(url);
});

afterAll(async () => {
  await gateway?.stop();
  await rm(dir, { recursive: true, force: true });
});

beforeEach(async () => {
  await simulator.control({ failRate: 0, latencyMs: 0 });
});

const received = () => simulator.received<ReceivedSms>();

function sendSms(body: Record<string, unknown>): Promise<Response> {
  return sandboxClient(gateway).call('sms', 'send', { agency: AGENCY, ...body });
}

async function asOperator<T>(path: string): Promise<T> {
  const answer = await fetch(`${gateway.url}${path}`, { headers: { authorization: `Bearer ${OPERATOR_KEY}` } });
  expect(answer.status).toBe(200);
  return (await answer.json()) as T;
}

/** Polls until every id is succeeded or dead; fails the test (with the stragglers) after `timeoutMs`. */
async function settled(ids: string[], timeoutMs = 45_000): Promise<MessageView[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const views = await Promise.all(
      ids.map(async (id) => {
        const answer = await fetch(`${gateway.url}/v1/messages/${id}`, { headers: { authorization: `Bearer ${CLIENT_KEY}` } });
        expect(answer.status).toBe(200);
        return (await answer.json()) as MessageView;
      }),
    );
    const open = views.filter((view) => view.status !== 'succeeded' && view.status !== 'dead');
    if (open.length === 0) return views;
    if (Date.now() > deadline) throw new Error(`${open.length} message(s) still open: ${JSON.stringify(open.slice(0, 3))}\n${gateway.stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function smsMessageIds(): Promise<string[]> {
  const page = await asOperator<{ messages: Array<{ id: string }> }>('/admin/v1/messages?capability=sms&limit=200');
  return page.messages.map((message) => message.id);
}

describe('sms-viettel through the whole gateway', () => {
  // First, before any test makes the simulator fail: the check at start must have met a healthy provider.
  it('shows the account balance as exact text in the instance health, with when it was checked', async () => {
    const health = async () => {
      const { instances } = await asOperator<{ instances: Array<{ plugin: string; health: unknown }> }>('/admin/v1/instances');
      return instances.find((instance) => instance.plugin === 'sms-viettel')?.health as { checkedAt?: string } | undefined;
    };
    // Checked in the background from the start; the first check may still be on its way.
    const deadline = Date.now() + 10_000;
    while (!(await health())?.checkedAt && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await health()).toEqual({
      ok: true,
      detail: { balance: '50000000.00', errCode: 0 },
      checkedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      ageMs: expect.any(Number),
    });
  });

  it('delivers every SMS through 30% transient SOAP faults, none received twice except after a timeout', async () => {
    await simulator.control({ failRate: 0.3, failMode: 'transient' });
    const phoneForms = ['0981234567', '+84 98 123 4567', '098.123.4567', '84981234567'];
    const answers = await Promise.all(
      Array.from({ length: MESSAGES }, (_, n) =>
        sendSms({ to: phoneForms[n % phoneForms.length], text: `Hồ sơ HS-${n} của ông Đặng Văn Ấn đã được tiếp nhận`, reference: `HS-${n}` }),
      ),
    );
    const ids: string[] = [];
    for (const answer of answers) {
      expect(answer.status).toBe(202);
      ids.push(((await answer.json()) as { id: string }).id);
    }

    const views = await settled(ids);
    expect(views.filter((view) => view.status !== 'succeeded')).toEqual([]);
    for (const view of views) expect(view.result).toMatchObject({ segments: 1 });
    // The faults were real: some messages needed more than one attempt.
    expect(views.some((view) => view.attempts > 1)).toBe(true);

    // One RequestID per message, each with the text as sent: diacritics removed, the number normalised.
    const entries = await received();
    expect(entries).toHaveLength(MESSAGES);
    expect(new Set(entries.map((entry) => entry.requestId)).size).toBe(MESSAGES);
    const byContent = new Map(entries.map((entry) => [entry.content, entry]));
    for (let n = 0; n < MESSAGES; n++) {
      const entry = byContent.get(`Ho so HS-${n} cua ong Dang Van An da duoc tiep nhan`);
      expect(entry, `HS-${n} reached the simulator`).toMatchObject({ receiverId: '84981234567', serviceId: 'LIENTHONG', contentType: '0' });
      if (entry && entry.deliveries > 1) {
        const { attemptHistory } = await asOperator<{ attemptHistory: Array<{ providerCode: string | null }> }>(`/admin/v1/messages/${ids[n]}`);
        const codes = attemptHistory.map((attempt) => attempt.providerCode ?? '');
        expect(codes.some((code) => TIMEOUT_CODES.has(code)), `HS-${n} was received ${entry.deliveries} times without a timeout: ${codes.join(', ')}`).toBe(true);
      }
    }
  });

  it('refuses a text over maxSegments with 400 naming text, and stores and sends nothing', async () => {
    const storedBefore = await smsMessageIds();
    const receivedBefore = (await received()).length;

    const answer = await sendSms({ to: '0981234567', text: `Hồ sơ ${'đã được tiếp nhận. '.repeat(40)}`, unicode: true });
    expect(answer.status).toBe(400);
    expect(answer.headers.get('content-type')).toContain('application/problem+json');
    const problem = (await answer.json()) as { errors: Array<{ path: string; message: string }> };
    expect(problem.errors).toEqual([{ path: 'text', message: expect.stringMatching(/^text needs \d+ Unicode SMS segments; this provider instance allows at most 5$/) }]);

    // Nothing queued: give the worker time to pick up anything that had been stored.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await smsMessageIds()).toEqual(storedBefore);
    expect((await received()).length).toBe(receivedBefore);
  });
});
