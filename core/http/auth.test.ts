import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createKey } from '../api-keys.ts';
import { AGENCY_A, AGENCY_B, type TestGateway, expectNothingStored, expectProblem, openTestGateway, smsBody } from './app-fixture.test-helper.ts';

let gateway: TestGateway;
beforeEach(async () => {
  gateway = await openTestGateway();
});
afterEach(async () => {
  await gateway.dispose();
});

describe('API keys on /v1', () => {
  it('answers 401 with a Bearer challenge when no key is sent, and stores nothing', async () => {
    const response = await gateway.request('/v1/sms/send', { token: null, body: smsBody() });
    const problem = await expectProblem(response, 401, 'unauthorized');
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
    expect(problem.title).toBe('Unauthorized');
    expect(problem.detail).toMatch(/Authorization: Bearer/);
    await expectNothingStored(gateway);
    expect(gateway.notify).not.toHaveBeenCalled();
  });

  it.each([
    ['another scheme', `Basic ${Buffer.from('user:pass').toString('base64')}`],
    ['Bearer without a key', 'Bearer'],
    ['Bearer with two words', 'Bearer one two'],
    ['the key without a scheme', 'lt_cl_abcdef'],
  ])('answers 401 to a malformed header (%s)', async (_, header) => {
    const response = await gateway.request('/v1/sms/send', { token: null, headers: { authorization: header }, body: smsBody() });
    await expectProblem(response, 401, 'unauthorized');
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
    await expectNothingStored(gateway);
  });

  it('answers 401 to an unknown key', async () => {
    const response = await gateway.request('/v1/sms/send', { token: 'lt_cl_not-a-key-anyone-was-given', body: smsBody() });
    const problem = await expectProblem(response, 401, 'unauthorized');
    expect(problem.detail).toBe('the API key is unknown or revoked');
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
    await expectNothingStored(gateway);
  });

  it('refuses a revoked key on the very next request', async () => {
    const { token, key } = await gateway.newKey('client');
    const before = await gateway.request('/v1/sms/send', { token, body: smsBody() });
    expect(before.status).toBe(202);

    expect(await gateway.store.revokeKey(key.id, gateway.clock.t, 'test')).toBe(true);
    const after = await gateway.request('/v1/sms/send', { token, body: smsBody({ text: 'after revocation' }) });
    await expectProblem(after, 401, 'unauthorized');
    const read = await gateway.request(`/v1/messages/${((await before.json()) as { id: string }).id}`, { token });
    await expectProblem(read, 401, 'unauthorized');

    const stored = await gateway.messages();
    expect(stored.map((message) => message.payload)).toEqual([expect.objectContaining({ text: smsBody().text })]);
  });

  it('answers 403 when the key does not cover the agency, and stores nothing', async () => {
    const { token } = await gateway.newKey('client', [AGENCY_A]);
    const response = await gateway.request('/v1/sms/send', { token, body: smsBody({ agency: AGENCY_B }) });
    const problem = await expectProblem(response, 403, 'forbidden');
    expect(problem.detail).toBe('this API key does not cover the agency');
    await expectNothingStored(gateway);
    expect(gateway.notify).not.toHaveBeenCalled();

    // The same key is fine for its own agency.
    expect((await gateway.request('/v1/sms/send', { token, body: smsBody({ agency: AGENCY_A }) })).status).toBe(202);
  });

  it('never makes a key for an empty agency list (which would cover every agency)', async () => {
    await expect(createKey(gateway.store, { role: 'client', agencies: [] })).rejects.toThrow(/at least one agency/);
    expect((await gateway.store.listKeys()).map((key) => key.id).sort()).toEqual([gateway.client.key.id, gateway.operator.key.id].sort());
  });

  it("answers another agency's message exactly like a missing one", async () => {
    const { token: tokenA } = await gateway.newKey('client', [AGENCY_A]);
    const { token: tokenB } = await gateway.newKey('client', [AGENCY_B]);
    const sent = await gateway.request('/v1/sms/send', { token: tokenB, body: smsBody({ agency: AGENCY_B }) });
    const { id } = (await sent.json()) as { id: string };

    expect((await gateway.request(`/v1/messages/${id}`, { token: tokenB })).status).toBe(200);
    const hidden = await expectProblem(await gateway.request(`/v1/messages/${id}`, { token: tokenA }), 404, 'not-found');
    const missing = await expectProblem(await gateway.request('/v1/messages/msg_01JNOTHEREATALL00000000000', { token: tokenA }), 404, 'not-found');
    const { instance: _hiddenInstance, ...hiddenRest } = hidden;
    const { instance: _missingInstance, ...missingRest } = missing;
    expect(hiddenRest).toEqual(missingRest);
    expect(JSON.stringify(hidden)).not.toContain(AGENCY_B);
  });
});

describe('roles on /admin/v1', () => {
  it('answers 403 to a client key and changes nothing', async () => {
    const sent = await gateway.request('/v1/sms/send', { body: smsBody() });
    const { id } = (await sent.json()) as { id: string };

    const list = await gateway.request('/admin/v1/messages');
    const problem = await expectProblem(list, 403, 'forbidden');
    expect(problem.detail).toBe('this endpoint needs an operator key');

    await expectProblem(await gateway.request(`/admin/v1/messages/${id}/cancel`, { method: 'POST' }), 403, 'forbidden');
    await expectProblem(await gateway.request('/admin/v1/replay', { body: { dryRun: false } }), 403, 'forbidden');
    expect(await gateway.message(id)).toMatchObject({ status: 'queued', cancelledAt: null });
  });

  it('answers 401 without a key before looking at the role', async () => {
    const response = await gateway.request('/admin/v1/messages', { token: null });
    await expectProblem(response, 401, 'unauthorized');
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
  });

  it('lets an operator key in', async () => {
    const response = await gateway.request('/admin/v1/messages', { token: gateway.operator.token });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ messages: [], nextCursor: null });
  });

  it('refuses a revoked operator key on the very next request', async () => {
    expect((await gateway.request('/admin/v1/instances', { token: gateway.operator.token })).status).toBe(200);
    await gateway.store.revokeKey(gateway.operator.key.id, gateway.clock.t, 'test');
    await expectProblem(await gateway.request('/admin/v1/instances', { token: gateway.operator.token }), 401, 'unauthorized');
  });
});
