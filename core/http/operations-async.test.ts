import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AGENCY_A, AGENCY_B, START, type TestGateway, expectProblem, openTestGateway, smsBody } from './app-fixture.test-helper.ts';

let gateway: TestGateway;
beforeEach(async () => {
  gateway = await openTestGateway();
});
afterEach(async () => {
  await gateway.dispose();
});

interface Accepted {
  id: string;
  status: string;
}

describe('an async operation', () => {
  it('answers 202 with the message id once the message is stored, and wakes the worker', async () => {
    const response = await gateway.request('/v1/sms/send', { body: smsBody({ to: '+84 98 123 4567', reference: 'HS-0001' }) });
    expect(response.status).toBe(202);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.headers.get('idempotent-replayed')).toBeNull();
    const body = (await response.json()) as Accepted;
    expect(body).toEqual({ id: expect.stringMatching(/^msg_[0-9A-HJKMNP-TV-Z]{26}$/), status: 'queued' });
    expect(response.headers.get('location')).toBe(`/v1/messages/${body.id}`);

    const stored = await gateway.message(body.id);
    expect(stored).toMatchObject({
      capability: 'sms',
      operation: 'send',
      agency: AGENCY_A,
      instance: 'sms-a',
      plugin: 'test-sms',
      status: 'queued',
      attempts: 0,
      maxAttempts: 8,
      nextAttemptAt: START,
      reference: 'HS-0001',
      createdAt: START,
      expiresAt: START + 86_400_000,
    });
    expect(stored.payload).toEqual({ agency: AGENCY_A, to: '84981234567', text: smsBody().text, unicode: false, reference: 'HS-0001' });
    expect(gateway.notify).toHaveBeenCalledTimes(1);
    // Queued, not sent: the provider is the worker's business.
    expect(gateway.sms.calls).toEqual([]);
  });

  it.each([
    ['0981234567', '84981234567'],
    ['098.123.4567', '84981234567'],
    ['84 912-345-678', '84912345678'],
    ['+84701234567', '84701234567'],
  ])('stores %s as %s', async (to, normalised) => {
    const { id } = (await (await gateway.request('/v1/sms/send', { body: smsBody({ to }) })).json()) as Accepted;
    expect(await gateway.message(id)).toMatchObject({ payload: { to: normalised } });
  });

  it("routes to the instance naming the agency, else to the one serving '*'", async () => {
    const forA = (await (await gateway.request('/v1/sms/send', { body: smsBody() })).json()) as Accepted;
    const forB = (await (await gateway.request('/v1/sms/send', { body: smsBody({ agency: AGENCY_B }) })).json()) as Accepted;
    expect((await gateway.message(forA.id)).instance).toBe('sms-a');
    expect((await gateway.message(forB.id)).instance).toBe('sms-all');
  });

  it('shows the message at GET /v1/messages/{id} with the fields of the design', async () => {
    const { id } = (await (await gateway.request('/v1/sms/send', { body: smsBody() })).json()) as Accepted;
    const response = await gateway.request(`/v1/messages/${id}`);
    expect(response.status).toBe(200);
    const view = (await response.json()) as Record<string, unknown>;
    expect(view).toMatchObject({
      id,
      capability: 'sms',
      operation: 'send',
      agency: AGENCY_A,
      plugin: 'test-sms',
      status: 'queued',
      attempts: 0,
      maxAttempts: 8,
      nextAttemptAt: new Date(START).toISOString(),
      lastError: null,
      result: null,
      createdAt: new Date(START).toISOString(),
      updatedAt: new Date(START).toISOString(),
    });
    // The caller's view is the message's state, not its payload.
    expect(view).not.toHaveProperty('payload');
  });

  it('shows a dead message with its last error and no next attempt', async () => {
    const { id } = (await (await gateway.request('/v1/sms/send', { body: smsBody() })).json()) as Accepted;
    gateway.clock.t += 5_000;
    await gateway.killDue('sms-a', 'number blocked');
    const view = (await (await gateway.request(`/v1/messages/${id}`)).json()) as Record<string, unknown>;
    expect(view).toMatchObject({ status: 'dead', attempts: 1, nextAttemptAt: null, lastError: 'number blocked', updatedAt: new Date(START + 5_000).toISOString() });
  });
});

describe('Idempotency-Key on an async operation', () => {
  const post = (body: unknown, key: string, token?: string) =>
    gateway.request('/v1/sms/send', { body, headers: { 'idempotency-key': key }, ...(token ? { token } : {}) });

  it('answers a repeat with the first message, marked as replayed, and stores one message', async () => {
    const first = await post(smsBody(), 'dossier-0001-sms');
    const firstBody = (await first.json()) as Accepted;
    expect(first.status).toBe(202);

    // The same request, its fields in another order.
    const { text, to, agency } = smsBody();
    const again = await post({ text, to, agency }, 'dossier-0001-sms');
    expect(again.status).toBe(202);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.headers.get('location')).toBe(`/v1/messages/${firstBody.id}`);
    expect(await again.json()).toEqual({ id: firstBody.id, status: 'queued' });

    expect((await gateway.messages()).map((message) => message.id)).toEqual([firstBody.id]);
    expect(gateway.notify).toHaveBeenCalledTimes(1);
  });

  it('answers 422 to the same key with another body, and stores nothing more', async () => {
    const first = (await (await post(smsBody(), 'dossier-0001-sms')).json()) as Accepted;
    const conflict = await post(smsBody({ text: 'another text' }), 'dossier-0001-sms');
    const problem = await expectProblem(conflict, 422, 'idempotency-conflict');
    expect(problem.detail).toBe('this Idempotency-Key was used with another request');
    expect((await gateway.messages()).map((message) => message.id)).toEqual([first.id]);
    expect(gateway.notify).toHaveBeenCalledTimes(1);
  });

  it('keeps the keys of two API keys apart', async () => {
    const other = await gateway.newKey('client');
    const mine = (await (await post(smsBody(), 'shared-key')).json()) as Accepted;
    const theirs = await post(smsBody(), 'shared-key', other.token);
    expect(theirs.status).toBe(202);
    expect(theirs.headers.get('idempotent-replayed')).toBeNull();
    const theirsBody = (await theirs.json()) as Accepted;
    expect(theirsBody.id).not.toBe(mine.id);
    expect((await gateway.messages()).map((message) => message.id).sort()).toEqual([mine.id, theirsBody.id].sort());
  });

  it.each([
    ['300 characters', 'k'.repeat(300)],
    ['a space', 'dossier 0001'],
    ['a non-ASCII character', 'cl\u00e9-0001'],
    ['nothing', ''],
  ])('answers 400 to a key of %s, and stores nothing', async (_, key) => {
    const problem = await expectProblem(await post(smsBody(), key), 400, 'validation');
    expect(problem.errors).toEqual([{ path: 'Idempotency-Key', message: 'Idempotency-Key is 1-255 printable ASCII characters' }]);
    expect(await gateway.messages()).toEqual([]);
    expect(gateway.notify).not.toHaveBeenCalled();
  });

  it('takes a key of 255 characters', async () => {
    expect((await post(smsBody(), 'k'.repeat(255))).status).toBe(202);
  });
});
