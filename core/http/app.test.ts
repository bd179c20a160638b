import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type TestGateway, expectProblem, openTestGateway, smsBody } from './app-fixture.test-helper.ts';

let gateway: TestGateway;
beforeEach(async () => {
  gateway = await openTestGateway();
});
afterEach(async () => {
  await gateway.dispose();
});

/** The secure headers every answer carries (core/http/response-headers.ts). */
function expectSecureHeaders(response: Response) {
  expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  expect(response.headers.get('x-frame-options')).toBe('SAMEORIGIN');
  expect(response.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
  expect(response.headers.get('referrer-policy')).toBe('no-referrer');
  expect(response.headers.get('x-powered-by')).toBeNull();
}

describe('health', () => {
  it('answers /healthz without a key', async () => {
    const response = await gateway.request('/healthz', { token: null });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('answers /readyz while the store is migrated and reachable', async () => {
    const response = await gateway.request('/readyz', { token: null });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ready' });
  });

  it('answers /readyz 503 once the store is gone, without its error', async () => {
    await gateway.store.close();
    const response = await gateway.request('/readyz', { token: null });
    expect(response.status).toBe(503);
    const raw = await response.text();
    expect(JSON.parse(raw)).toEqual({ status: 'not ready', detail: 'the store is not reachable or not migrated' });
    expect(raw).not.toMatch(/SQLITE/i);
  });
});

describe('every answer', () => {
  it('answers an unknown path with a 404 problem', async () => {
    const response = await gateway.request('/nowhere', { token: null });
    const problem = await expectProblem(response, 404, 'not-found');
    expect(problem).toMatchObject({ title: 'Not found', detail: 'no such endpoint' });
    expectSecureHeaders(response);
  });

  it('answers an unknown path under /admin/v1 with a 404 problem for an operator', async () => {
    await expectProblem(await gateway.request('/admin/v1/nowhere', { token: gateway.operator.token }), 404, 'not-found');
  });

  it.each([
    ['a success', '/healthz'],
    ['a refusal', '/v1/messages/msg_x'],
  ])('carries the secure headers and a request id on %s', async (_, path) => {
    const response = await gateway.request(path, { token: null });
    expectSecureHeaders(response);
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("names the request's id in a problem, and keeps the caller's own id", async () => {
    const response = await gateway.request('/v1/sms/send', { token: null, body: smsBody(), headers: { 'x-request-id': 'one-stop-req-42' } });
    expect(response.headers.get('x-request-id')).toBe('one-stop-req-42');
    const problem = await expectProblem(response, 401, 'unauthorized');
    expect(problem.instance).toBe('urn:lienthong:request:one-stop-req-42');
  });

  it('gives two requests two ids', async () => {
    const first = await gateway.request('/healthz');
    const second = await gateway.request('/healthz');
    expect(first.headers.get('x-request-id')).not.toBe(second.headers.get('x-request-id'));
  });

  it('answers 500 without the internal error when the store fails', async () => {
    await gateway.store.close();
    const response = await gateway.request('/v1/sms/send', { body: smsBody() });
    const raw = await response.clone().text();
    const problem = await expectProblem(response, 500, 'internal');
    expect(problem.detail).toBe('the gateway could not complete the request; see its log');
    expect(raw).not.toMatch(/SQLITE|closed/i);
    expectSecureHeaders(response);
    expect(gateway.notify).not.toHaveBeenCalled();
  });
});
