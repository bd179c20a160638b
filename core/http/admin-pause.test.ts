import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../store/types.ts';
import { AGENCY_A, AGENCY_B, START, type TestGateway, adminHelpers, expectProblem, issuePaths, openTestGateway, paymentBody } from './app-fixture.test-helper.ts';

/** Pausing and resuming an instance through the admin API, and what a pause does to sync calls and to waiting messages. */
let gateway: TestGateway;
beforeEach(async () => {
  gateway = await openTestGateway({
    instances: [
      { id: 'sms-a', plugin: 'test-sms', agencies: [AGENCY_A] },
      { id: 'sms-ab', plugin: 'test-sms', agencies: [AGENCY_A, AGENCY_B] },
      { id: 'sms-all', plugin: 'test-sms', agencies: ['*'] },
      { id: 'payment-a', plugin: 'test-payment', agencies: [AGENCY_A] },
    ],
  });
});
afterEach(() => gateway.dispose());

const MINUTE = 60_000;
const { send, admin } = adminHelpers(() => gateway);
const pause = (id: string, body?: unknown, token?: string) => admin(`/admin/v1/instances/${id}/pause`, { method: 'POST', ...(body === undefined ? {} : { body }), ...(token ? { token } : {}) });
const resume = (id: string, token?: string) => admin(`/admin/v1/instances/${id}/resume`, { method: 'POST', ...(token ? { token } : {}) });

async function listed(id: string): Promise<Record<string, unknown> | undefined> {
  const { instances } = (await (await admin('/admin/v1/instances')).json()) as { instances: Array<Record<string, unknown> & { id: string }> };
  return instances.find((instance) => instance.id === id);
}

const entries = async (action: string): Promise<AuditEntry[]> => (await gateway.store.listAudit({}, 500)).filter((entry) => entry.action === action);

describe('POST /admin/v1/instances/{id}/pause and /resume', () => {
  it('pauses with who, when and why, shows it in the instances list, and resumes; each audited with the key id', async () => {
    const actor = `key:${gateway.operator.key.id}`;
    const paused = await pause('sms-a', { reason: '  Viettel maintenance until 23:00  ' });
    expect(paused.status).toBe(200);
    const expected = { at: new Date(START).toISOString(), by: actor, reason: 'Viettel maintenance until 23:00' };
    expect(await paused.json()).toEqual({ id: 'sms-a', paused: expected });
    expect(await listed('sms-a')).toMatchObject({ paused: expected });
    expect(await listed('sms-all')).toMatchObject({ paused: null });
    expect(gateway.context.instances.get('sms-a')?.pause).toMatchObject({ by: actor });

    gateway.clock.t += 30 * MINUTE;
    const resumed = await resume('sms-a');
    expect(resumed.status).toBe(200);
    expect(await resumed.json()).toEqual({ id: 'sms-a', paused: null });
    expect(await listed('sms-a')).toMatchObject({ paused: null });
    // The worker is told at once: the waiting messages need not wait for its next poll.
    expect(gateway.notify).toHaveBeenCalledWith('sms-a');

    expect(await entries('instance.paused')).toEqual([expect.objectContaining({ at: START, actor, instance: 'sms-a', summary: { reason: 'Viettel maintenance until 23:00' } })]);
    expect(await entries('instance.resumed')).toEqual([
      expect.objectContaining({ at: START + 30 * MINUTE, actor, instance: 'sms-a', summary: { pausedAt: START, pausedBy: actor, pausedForMs: 30 * MINUTE, maxAgeMovedOn: 0 } }),
    ]);
  });

  it('may be repeated: pausing again answers the pause in place, resuming again answers not paused; nothing more is audited', async () => {
    const first = await (await pause('sms-a', { reason: 'first' })).json();
    gateway.clock.t += MINUTE;
    const other = await gateway.newKey('operator');
    const again = await pause('sms-a', { reason: 'second' }, other.token);
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual(first);

    expect((await resume('sms-a')).status).toBe(200);
    const twice = await resume('sms-a');
    expect(twice.status).toBe(200);
    expect(await twice.json()).toEqual({ id: 'sms-a', paused: null });
    expect((await entries('instance.paused')).length).toBe(1);
    expect((await entries('instance.resumed')).length).toBe(1);
  });

  it('takes no body as no reason', async () => {
    expect(await (await pause('sms-a')).json()).toMatchObject({ paused: { reason: null } });
    expect(await gateway.store.pausedInstances()).toMatchObject([{ instance: 'sms-a', reason: null }]);
  });

  it('refuses a bad reason, naming the field, and pauses nothing', async () => {
    for (const reason of ['   ', 'x'.repeat(301), 'two\nlines', 42]) {
      expect(issuePaths(await expectProblem(await pause('sms-a', { reason }), 400, 'validation'))).toEqual(['reason']);
    }
    await expectProblem(await pause('sms-a', '{"reason": '), 400, 'malformed-json');
    expect(await gateway.store.pausedInstances()).toEqual([]);
    expect(await entries('instance.paused')).toEqual([]);
  });

  it('answers 404 naming the known instances for an unknown one', async () => {
    const problem = await expectProblem(await pause('sms-b'), 404, 'not-found');
    expect(problem.detail).toBe("no instance 'sms-b' (instances: sms-a, sms-ab, sms-all, payment-a): check the id (GET /admin/v1/instances lists them)");
    await expectProblem(await resume('sms-b'), 404, 'not-found');
    expect(await gateway.store.pausedInstances()).toEqual([]);
  });

  it('is for operator keys only, and a key limited to agencies acts only on an instance serving none but its agencies', async () => {
    await expectProblem(await pause('sms-a', undefined, gateway.client.token), 403, 'forbidden');
    const limited = await gateway.newKey('operator', [AGENCY_A]);

    const everyAgency = await expectProblem(await pause('sms-all', undefined, limited.token), 403, 'forbidden');
    expect(everyAgency.detail).toBe('instance sms-all serves every agency: pausing or resuming it needs an operator key for every agency');
    const shared = await expectProblem(await pause('sms-ab', undefined, limited.token), 403, 'forbidden');
    expect(shared.detail).toBe(`instance sms-ab also serves ${AGENCY_B}, which this key does not cover: pausing or resuming it needs an operator key covering every agency it serves`);
    expect(await gateway.store.pausedInstances()).toEqual([]);

    expect((await pause('sms-a', undefined, limited.token)).status).toBe(200);
    expect((await pause('sms-ab')).status).toBe(200);
    await expectProblem(await resume('sms-ab', limited.token), 403, 'forbidden');
    expect((await resume('sms-a', limited.token)).status).toBe(200);
    expect((await gateway.store.pausedInstances()).map((each) => each.instance)).toEqual(['sms-ab']);
  });

  it('shows a pause another process made (the CLI, another gateway) as soon as the list is read', async () => {
    await gateway.store.pauseInstance('sms-all', { actor: 'cli', reason: 'bảo trì', at: START - MINUTE });
    expect(await listed('sms-all')).toMatchObject({ paused: { by: 'cli', reason: 'bảo trì', at: new Date(START - MINUTE).toISOString() } });
  });
});

describe('a sync call to a paused instance', () => {
  it('answers 503 problem+json naming the pause, with Retry-After, and never reaches the provider; resumed, it goes through', async () => {
    await pause('payment-a', { reason: 'VietinBank maintenance 22:00-24:00' });
    const answer = await gateway.request('/v1/payment/create', { body: paymentBody() });
    const problem = await expectProblem(answer, 503, 'instance-paused');
    expect(answer.headers.get('retry-after')).toBe('60');
    expect(problem.detail).toBe(
      `instance payment-a has been paused by an operator since ${new Date(START).toISOString()} (VietinBank maintenance 22:00-24:00): try again later; an operator resumes it with \`lienthong instances resume payment-a\``,
    );
    expect(gateway.payment.calls).toEqual([]);

    await resume('payment-a');
    expect((await gateway.request('/v1/payment/create', { body: paymentBody() })).status).toBe(200);
    expect(gateway.payment.calls.length).toBe(1);
  });
});

describe('a queued message of a paused instance', () => {
  it("says waitingFor 'paused', to its caller and to operators, until the instance is resumed", async () => {
    const id = await send();
    const view = async (path: string, token: string) => ((await (await gateway.request(path, { token })).json()) as { waitingFor: string | null }).waitingFor;
    expect(await view(`/v1/messages/${id}`, gateway.client.token)).toBeNull();

    await pause('sms-a');
    expect(await view(`/v1/messages/${id}`, gateway.client.token)).toBe('paused');
    expect(await view(`/admin/v1/messages/${id}`, gateway.operator.token)).toBe('paused');
    // A pause outranks an open circuit: it is what the operator has to undo.
    const instance = gateway.context.instances.get('sms-a');
    for (let i = 0; i < 5; i++) instance?.breaker.failed(gateway.clock.now());
    expect(await view(`/v1/messages/${id}`, gateway.client.token)).toBe('paused');

    await resume('sms-a');
    expect(await view(`/v1/messages/${id}`, gateway.client.token)).toBe('circuit');
  });
});
