import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AGENCY_A, AGENCY_B, START, type TestGateway, adminHelpers, openTestGateway, paymentBody } from './app-fixture.test-helper.ts';

let gateway: TestGateway;
beforeEach(async () => {
  gateway = await openTestGateway();
});
afterEach(async () => {
  await gateway.dispose();
});

const { send, admin } = adminHelpers(() => gateway);
const MINUTE = 60_000;

interface OverviewBody {
  at: string;
  instances: Array<{
    id: string;
    plugin: string | null;
    capability: string | null;
    configured: boolean;
    circuit: string | null;
    paused: { at: string; by: string; reason: string | null } | null;
    health: unknown;
    queue: { queued: number; processing: number; dead: number; succeeded: number };
    oldestWaitingAgeMs: number | null;
    lastHour: { attempts: number; failures: number; failureRate: number | null };
  }>;
  counts: Array<{ status: string; capability: string; agency: string; count: number }>;
}

async function overview(token?: string): Promise<OverviewBody> {
  const response = await admin('/admin/v1/overview', token ? { token } : {});
  expect(response.status).toBe(200);
  return (await response.json()) as OverviewBody;
}

const byId = (body: OverviewBody) => Object.fromEntries(body.instances.map((instance) => [instance.id, instance]));

describe('GET /admin/v1/overview', () => {
  it('gives each instance its circuit, queue, oldest waiting message and last hour, and the counts', async () => {
    await send();
    await gateway.killDue('sms-a');
    gateway.clock.t += MINUTE;
    await send();
    await send({ agency: AGENCY_B });
    gateway.clock.t += MINUTE;
    // A sync call counts as an attempt of its instance: a provider error is a failure.
    gateway.payment.queue({ kind: 'retryable', error: 'HTTP 503' });
    expect((await gateway.request('/v1/payment/create', { body: paymentBody() })).status).toBe(502);
    expect((await gateway.request('/v1/payment/create', { body: paymentBody() })).status).toBe(200);

    // The sync calls' audit entries are written off the answer's path.
    await vi.waitFor(async () => expect(byId(await overview())['payment-a']?.lastHour.attempts).toBe(2));
    const body = await overview();
    expect(body.at).toBe(new Date(START + 2 * MINUTE).toISOString());
    expect(byId(body)).toEqual({
      'sms-a': {
        id: 'sms-a', plugin: 'test-sms', capability: 'sms', configured: true, circuit: 'closed', paused: null, health: null,
        queue: { queued: 1, processing: 0, dead: 1, succeeded: 0 }, oldestWaitingAgeMs: MINUTE,
        lastHour: { attempts: 1, failures: 1, failureRate: 1 },
      },
      'sms-all': {
        id: 'sms-all', plugin: 'test-sms', capability: 'sms', configured: true, circuit: 'closed', paused: null, health: null,
        queue: { queued: 1, processing: 0, dead: 0, succeeded: 0 }, oldestWaitingAgeMs: MINUTE,
        lastHour: { attempts: 0, failures: 0, failureRate: null },
      },
      'payment-a': {
        id: 'payment-a', plugin: 'test-payment', capability: 'payment', configured: true, circuit: 'closed', paused: null, health: null,
        queue: { queued: 0, processing: 0, dead: 0, succeeded: 0 }, oldestWaitingAgeMs: null,
        lastHour: { attempts: 2, failures: 1, failureRate: 0.5 },
      },
    });
    expect(body.counts).toEqual([
      { capability: 'sms', agency: AGENCY_A, status: 'dead', count: 1 },
      { capability: 'sms', agency: AGENCY_A, status: 'queued', count: 1 },
      { capability: 'sms', agency: AGENCY_B, status: 'queued', count: 1 },
    ]);
  });

  it("shows a key limited to agencies their counts and the instances that serve them", async () => {
    await send();
    await send({ agency: AGENCY_B });
    const { token } = await gateway.newKey('operator', [AGENCY_B]);
    const body = await overview(token);
    expect(body.instances.map((instance) => instance.id)).toEqual(['sms-all']);
    expect(byId(body)['sms-all']?.queue.queued).toBe(1);
    expect(body.counts).toEqual([{ capability: 'sms', agency: AGENCY_B, status: 'queued', count: 1 }]);

    // An instance that served agency B before the configuration changed still shows B's messages to B.
    const at = gateway.clock.t;
    await gateway.store.accept({
      id: 'msg_before', capability: 'sms', operation: 'send', agency: AGENCY_B, instance: 'sms-a', plugin: 'test-sms',
      payload: { agency: AGENCY_B }, maxAttempts: 8, createdAt: at, expiresAt: at + MINUTE,
    });
    expect(byId(await overview(token))['sms-a']).toMatchObject({ configured: true, plugin: 'test-sms', queue: { queued: 1 } });
  });

  it('keeps showing the messages of an instance the configuration no longer names', async () => {
    const at = gateway.clock.t;
    await gateway.store.accept({
      id: 'msg_former', capability: 'sms', operation: 'send', agency: AGENCY_A, instance: 'sms-retired', plugin: 'sms-viettel',
      payload: { agency: AGENCY_A }, maxAttempts: 8, createdAt: at - MINUTE, expiresAt: at + MINUTE,
    });
    expect(byId(await overview())['sms-retired']).toMatchObject({
      plugin: null, capability: 'sms', configured: false, circuit: null, paused: null, health: null, queue: { queued: 1 }, oldestWaitingAgeMs: MINUTE,
    });
  });

  it("shows an instance's pause, its reason masked", async () => {
    const response = await admin('/admin/v1/instances/sms-a/pause', { body: { reason: 'Viettel bao tri, goi 0981234567' } });
    expect(response.status).toBe(200);
    const paused = byId(await overview())['sms-a']?.paused;
    expect(paused).toMatchObject({ at: new Date(START).toISOString(), by: `key:${gateway.operator.key.id}` });
    expect(paused?.reason).not.toContain('0981234567');
    expect(byId(await overview())['sms-all']?.paused).toBeNull();
  });

  it('leaves GET /admin/v1/instances as it was, its queues read from the same counters', async () => {
    await send();
    await gateway.killDue('sms-a');
    const response = await admin('/admin/v1/instances');
    const { instances } = (await response.json()) as { instances: Array<{ id: string; queue: Record<string, number> }> };
    expect(instances.find((instance) => instance.id === 'sms-a')?.queue).toEqual({ queued: 0, processing: 0, dead: 1, succeeded: 0 });
  });
});
