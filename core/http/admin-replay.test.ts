import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AGENCY_A, AGENCY_B, START, type TestGateway, adminHelpers, expectProblem, issuePaths, openTestGateway, paymentBody } from './app-fixture.test-helper.ts';

let gateway: TestGateway;
beforeEach(async () => {
  gateway = await openTestGateway();
});
afterEach(async () => {
  await gateway.dispose();
});

const MINUTE = 60_000;

const { send, admin, list, ids } = adminHelpers(() => gateway);

describe('replay and cancel of one message', () => {
  it('queues a dead message again with a fresh budget, once', async () => {
    const id = await send();
    await gateway.killDue('sms-a');
    gateway.notify.mockClear();
    gateway.clock.t += 10 * MINUTE;

    const response = await admin(`/admin/v1/messages/${id}/replay`, { method: 'POST' });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ id, status: 'queued' });
    expect(await gateway.message(id)).toMatchObject({
      status: 'queued',
      attempts: 0,
      replays: 1,
      nextAttemptAt: gateway.clock.t,
      expiresAt: gateway.clock.t + 86_400_000,
    });
    expect(gateway.notify).toHaveBeenCalledTimes(1);

    const again = await expectProblem(await admin(`/admin/v1/messages/${id}/replay`, { method: 'POST' }), 409, 'not-replayable');
    expect(again.detail).toBe('only dead messages are replayed; this one is queued');
    expect(await gateway.message(id)).toMatchObject({ status: 'queued', replays: 1 });
    expect(gateway.notify).toHaveBeenCalledTimes(1);
  });

  it('answers 409 to the replay of a queued message and leaves it alone', async () => {
    const id = await send();
    const before = await gateway.message(id);
    await expectProblem(await admin(`/admin/v1/messages/${id}/replay`, { method: 'POST' }), 409, 'not-replayable');
    expect(await gateway.message(id)).toEqual(before);
    expect(gateway.notify).toHaveBeenCalledTimes(1);
  });

  it('cancels a queued message once', async () => {
    const id = await send();
    gateway.clock.t += MINUTE;
    const response = await admin(`/admin/v1/messages/${id}/cancel`, { method: 'POST' });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      id,
      status: 'dead',
      nextAttemptAt: null,
      cancelledAt: new Date(START + MINUTE).toISOString(),
      lastError: `cancelled by operator (${gateway.operator.key.id})`,
    });
    expect(await gateway.message(id)).toMatchObject({ status: 'dead', cancelledAt: START + MINUTE });

    const again = await expectProblem(await admin(`/admin/v1/messages/${id}/cancel`, { method: 'POST' }), 409, 'not-cancellable');
    expect(again.detail).toBe('a dead message cannot be cancelled');
    expect(await gateway.message(id)).toMatchObject({ cancelledAt: START + MINUTE });
  });

  it('answers 404 to the replay or cancel of a missing message', async () => {
    await expectProblem(await admin('/admin/v1/messages/msg_nothing/replay', { method: 'POST' }), 404, 'not-found');
    await expectProblem(await admin('/admin/v1/messages/msg_nothing/cancel', { method: 'POST' }), 404, 'not-found');
  });
});

describe('POST /admin/v1/replay', () => {
  async function deadAcrossAgencies() {
    const deadA = [await send({ text: 'one' }), await send({ text: 'two' })];
    const deadB = [await send({ agency: AGENCY_B, text: 'three' })];
    await gateway.killDue('sms-a');
    await gateway.killDue('sms-all');
    const queuedA = await send({ text: 'four' });
    return { deadA, deadB, queuedA };
  }

  it('answers a dry run with how many and which instances, and changes nothing', async () => {
    const { deadA, deadB, queuedA } = await deadAcrossAgencies();
    gateway.notify.mockClear();
    const response = await admin('/admin/v1/replay', { body: { dryRun: true } });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ dryRun: true, total: 3, byInstance: { 'sms-a': 2, 'sms-all': 1 } });
    for (const id of [...deadA, ...deadB]) expect(await gateway.message(id)).toMatchObject({ status: 'dead', attempts: 1, replays: 0 });
    expect(await gateway.message(queuedA)).toMatchObject({ status: 'queued' });
    expect(gateway.notify).not.toHaveBeenCalled();

    const filtered = await admin('/admin/v1/replay', { body: { dryRun: true, filter: { agency: AGENCY_B } } });
    expect(await filtered.json()).toEqual({ dryRun: true, total: 1, byInstance: { 'sms-all': 1 } });
  });

  it('queues every dead message the filter selects', async () => {
    const { deadA, deadB, queuedA } = await deadAcrossAgencies();
    gateway.notify.mockClear();
    const response = await admin('/admin/v1/replay', { body: { filter: { instance: 'sms-a' } } });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ dryRun: false, queued: 2 });
    for (const id of deadA) expect(await gateway.message(id)).toMatchObject({ status: 'queued', attempts: 0, replays: 1 });
    expect(await gateway.message(deadB[0] ?? '')).toMatchObject({ status: 'dead' });
    expect(await gateway.message(queuedA)).toMatchObject({ status: 'queued', replays: 0 });
    expect(gateway.notify).toHaveBeenCalledTimes(1);

    const rest = await admin('/admin/v1/replay', { body: {} });
    expect(await rest.json()).toEqual({ dryRun: false, queued: 1 });
    expect(await gateway.message(deadB[0] ?? '')).toMatchObject({ status: 'queued', attempts: 0 });
  });

  it('answers 400 to a filter of the wrong shape, and changes nothing', async () => {
    const { deadA } = await deadAcrossAgencies();
    const problem = await expectProblem(await admin('/admin/v1/replay', { body: { dryRun: 'no', filter: { since: 'last week' } } }), 400, 'validation');
    expect(issuePaths(problem)).toEqual(['dryRun', 'filter.since']);
    expect(await gateway.message(deadA[0] ?? '')).toMatchObject({ status: 'dead' });
  });

  it('answers 400 malformed-json to a body that is not JSON, and changes nothing', async () => {
    const { deadA } = await deadAcrossAgencies();
    const problem = await expectProblem(await admin('/admin/v1/replay', { body: '{"dryRun":' }), 400, 'malformed-json');
    expect(problem.detail).toBe('the request body is not valid JSON');
    await expectProblem(await admin('/admin/v1/replay', { method: 'POST' }), 400, 'malformed-json');
    expect(await gateway.message(deadA[0] ?? '')).toMatchObject({ status: 'dead' });
  });
});

describe('an operator key limited to one agency', () => {
  it("sees and replays only that agency's messages", async () => {
    const deadA = await send({ text: 'for A' });
    const deadB = await send({ agency: AGENCY_B, text: 'for B' });
    await gateway.killDue('sms-a');
    await gateway.killDue('sms-all');
    const { token } = await gateway.newKey('operator', [AGENCY_A]);

    expect(ids(await list('', token))).toEqual([deadA]);
    expect(ids(await list(`?agency=${AGENCY_B}`, token))).toEqual([]);
    expect((await admin(`/admin/v1/messages/${deadA}`, { token })).status).toBe(200);
    await expectProblem(await admin(`/admin/v1/messages/${deadB}`, { token }), 404, 'not-found');
    await expectProblem(await admin(`/admin/v1/messages/${deadB}/replay`, { method: 'POST', token }), 404, 'not-found');
    await expectProblem(await admin(`/admin/v1/messages/${deadB}/cancel`, { method: 'POST', token }), 404, 'not-found');
    expect(await gateway.message(deadB)).toMatchObject({ status: 'dead', replays: 0, cancelledAt: null });

    const plan = await admin('/admin/v1/replay', { body: { dryRun: true }, token });
    expect(await plan.json()).toEqual({ dryRun: true, total: 1, byInstance: { 'sms-a': 1 } });
    const planOfB = await admin('/admin/v1/replay', { body: { dryRun: true, filter: { agency: AGENCY_B } }, token });
    expect(await planOfB.json()).toEqual({ dryRun: true, total: 0, byInstance: {} });

    const replayed = await admin('/admin/v1/replay', { body: {}, token });
    expect(await replayed.json()).toEqual({ dryRun: false, queued: 1 });
    expect(await gateway.message(deadA)).toMatchObject({ status: 'queued', attempts: 0 });
    expect(await gateway.message(deadB)).toMatchObject({ status: 'dead' });
  });
});

describe('GET /admin/v1/instances', () => {
  it('shows each instance with its circuit and queue', async () => {
    await send();
    await gateway.killDue('sms-a');
    await send();
    await send({ agency: AGENCY_B });
    gateway.payment.queue(...Array.from({ length: 3 }, () => ({ kind: 'retryable' as const, error: 'down' })));
    for (let i = 0; i < 3; i++) expect((await gateway.request('/v1/payment/create', { body: paymentBody() })).status).toBe(502);
    gateway.clock.t += 5_000;

    const response = await admin('/admin/v1/instances');
    expect(response.status).toBe(200);
    const { instances } = (await response.json()) as { instances: Array<Record<string, unknown>> };
    expect(instances).toEqual([
      {
        id: 'sms-a',
        plugin: 'test-sms',
        capability: 'sms',
        agencies: [AGENCY_A],
        circuit: 'closed',
        paused: null,
        queue: { queued: 1, processing: 0, dead: 1, succeeded: 0 },
        oldestWaitingAgeMs: 5_000,
        health: null,
      },
      {
        id: 'sms-all',
        plugin: 'test-sms',
        capability: 'sms',
        agencies: ['*'],
        circuit: 'closed',
        paused: null,
        queue: { queued: 1, processing: 0, dead: 0, succeeded: 0 },
        oldestWaitingAgeMs: 5_000,
        health: null,
      },
      {
        id: 'payment-a',
        plugin: 'test-payment',
        capability: 'payment',
        agencies: [AGENCY_A],
        circuit: 'open',
        paused: null,
        queue: { queued: 0, processing: 0, dead: 0, succeeded: 0 },
        oldestWaitingAgeMs: null,
        health: null,
      },
    ]);

    gateway.clock.t += 30_000;
    const later = (await (await admin('/admin/v1/instances')).json()) as { instances: Array<{ id: string; circuit: string }> };
    expect(later.instances.find((instance) => instance.id === 'payment-a')?.circuit).toBe('half-open');
  });
});
