/**
 * The authorization matrix, endpoint by endpoint: no key, an unknown key, a revoked key, a client key on the admin
 * API, and a key for another agency. auth.test.ts tells the story of each case on one or two endpoints; this file
 * holds every endpoint to it, so that a route mounted outside the guarded paths shows up here.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AGENCY_A, AGENCY_B, type TestGateway, expectProblem, openTestGateway, paymentBody, smsBody } from './app-fixture.test-helper.ts';

let gateway: TestGateway;
/** A dead SMS of agency A: every admin action has something to act on. */
let messageId: string;

beforeEach(async () => {
  gateway = await openTestGateway();
  const sent = await gateway.request('/v1/sms/send', { body: smsBody() });
  messageId = ((await sent.json()) as { id: string }).id;
  await gateway.killDue('sms-a');
});
afterEach(async () => {
  await gateway.dispose();
});

interface Endpoint {
  method: 'GET' | 'POST';
  path: () => string;
  body?: unknown;
}

const unified: Record<string, Endpoint> = {
  'POST /v1/sms/send': { method: 'POST', path: () => '/v1/sms/send', body: smsBody() },
  'POST /v1/payment/create': { method: 'POST', path: () => '/v1/payment/create', body: paymentBody() },
  'GET /v1/messages/{id}': { method: 'GET', path: () => `/v1/messages/${messageId}` },
};

const admin: Record<string, Endpoint> = {
  'GET /admin/v1/messages': { method: 'GET', path: () => '/admin/v1/messages' },
  'GET /admin/v1/messages/{id}': { method: 'GET', path: () => `/admin/v1/messages/${messageId}` },
  'POST /admin/v1/messages/{id}/replay': { method: 'POST', path: () => `/admin/v1/messages/${messageId}/replay` },
  'POST /admin/v1/messages/{id}/cancel': { method: 'POST', path: () => `/admin/v1/messages/${messageId}/cancel` },
  'POST /admin/v1/replay': { method: 'POST', path: () => '/admin/v1/replay', body: { dryRun: false } },
  'GET /admin/v1/instances': { method: 'GET', path: () => '/admin/v1/instances' },
  'GET /admin/v1/overview': { method: 'GET', path: () => '/admin/v1/overview' },
  'GET /admin/v1/dossiers/{code}': { method: 'GET', path: () => '/admin/v1/dossiers/000.00.01.H22-260301-0001' },
  'GET /admin/v1/audit': { method: 'GET', path: () => '/admin/v1/audit' },
  'POST /admin/v1/audit/verify': { method: 'POST', path: () => '/admin/v1/audit/verify' },
};

const everyEndpoint = Object.entries({ ...unified, ...admin });
const adminEndpoints = Object.entries(admin);

async function call(endpoint: Endpoint, token: string | null): Promise<Response> {
  return gateway.request(endpoint.path(), { method: endpoint.method, token, ...(endpoint.body === undefined ? {} : { body: endpoint.body }) });
}

/** Nothing moved: the message is still dead, unreplayed, uncancelled, and no other message or provider call was made. */
async function expectNothingChanged(): Promise<void> {
  expect(await gateway.message(messageId)).toMatchObject({ status: 'dead', replays: 0, cancelledAt: null });
  expect(await gateway.messages()).toHaveLength(1);
  expect(gateway.payment.calls).toHaveLength(0);
}

async function expectUnauthorized(response: Response, token: string | null): Promise<void> {
  const raw = await response.clone().text();
  await expectProblem(response, 401, 'unauthorized');
  expect(response.headers.get('www-authenticate')).toBe('Bearer');
  if (token) expect(raw).not.toContain(token);
}

describe('authorization on every endpoint', () => {
  it.each(everyEndpoint)('%s: 401 without a key', async (_, endpoint) => {
    await expectUnauthorized(await call(endpoint, null), null);
    await expectNothingChanged();
  });

  it.each(everyEndpoint)('%s: 401 with an unknown key, not echoed', async (_, endpoint) => {
    const token = 'lt_op_made-up-key-that-nobody-was-given';
    await expectUnauthorized(await call(endpoint, token), token);
    await expectNothingChanged();
  });

  it.each(everyEndpoint)('%s: 401 with a revoked key, from the next request on', async (name, endpoint) => {
    const { token, key } = await gateway.newKey(name.includes('/admin/') ? 'operator' : 'client');
    await gateway.store.revokeKey(key.id, gateway.clock.t, 'test');
    await expectUnauthorized(await call(endpoint, token), token);
    await expectNothingChanged();
  });

  it.each(adminEndpoints)('%s: 403 for a client key, even one for every agency', async (_, endpoint) => {
    const problem = await expectProblem(await call(endpoint, gateway.client.token), 403, 'forbidden');
    expect(problem.detail).toBe('this endpoint needs an operator key');
    await expectNothingChanged();
  });
});

describe('a key for another agency', () => {
  it('cannot send for agency A: 403 on async and sync operations, the provider never called', async () => {
    const { token } = await gateway.newKey('client', [AGENCY_B]);
    for (const endpoint of [unified['POST /v1/sms/send'], unified['POST /v1/payment/create']]) {
      if (!endpoint) throw new Error('missing endpoint');
      const problem = await expectProblem(await call(endpoint, token), 403, 'forbidden');
      expect(problem.detail).toBe('this API key does not cover the agency');
    }
    await expectNothingChanged();
  });

  it("cannot read agency A's message: 404, as if it did not exist", async () => {
    const { token } = await gateway.newKey('client', [AGENCY_B]);
    await expectProblem(await gateway.request(`/v1/messages/${messageId}`, { token }), 404, 'not-found');
  });

  it("as an operator of agency B, cannot see, replay or cancel agency A's message, nor read the whole audit log", async () => {
    const { token } = await gateway.newKey('operator', [AGENCY_B]);
    for (const name of ['GET /admin/v1/messages/{id}', 'POST /admin/v1/messages/{id}/replay', 'POST /admin/v1/messages/{id}/cancel'] as const) {
      const endpoint = admin[name];
      if (!endpoint) throw new Error(`missing endpoint ${name}`);
      await expectProblem(await call(endpoint, token), 404, 'not-found');
    }
    await expectProblem(await gateway.request(`/admin/v1/audit?messageId=${messageId}`, { token }), 404, 'not-found');
    await expectProblem(await gateway.request('/admin/v1/audit', { token }), 403, 'forbidden');
    await expectProblem(await gateway.request('/admin/v1/audit/verify', { method: 'POST', token }), 403, 'forbidden');
    const listed = (await (await gateway.request('/admin/v1/messages', { token })).json()) as { messages: unknown[] };
    expect(listed.messages).toEqual([]);
    const replay = (await (await gateway.request('/admin/v1/replay', { body: { dryRun: false }, token })).json()) as { queued: number };
    expect(replay.queued).toBe(0);
    await expectNothingChanged();
    // The same endpoints let agency A's operator in.
    const own = await gateway.newKey('operator', [AGENCY_A]);
    expect((await gateway.request(`/admin/v1/messages/${messageId}`, { token: own.token })).status).toBe(200);
  });
});
