/**
 * Whole-gateway: a barrage of bad requests against the real process gets 4xx problem+json answers, stores
 * nothing, and leaves the gateway serving.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChildSandbox, startChildSandbox } from './support/child-sandbox.ts';

const CLIENT_KEY = 'lt_test_client_bad_input_0001';
const OPERATOR_KEY = 'lt_test_operator_bad_input_0001';

let dir: string;
let gateway: ChildSandbox;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lienthong-bad-'));
  gateway = await startChildSandbox({
    LIENTHONG_DB: join(dir, 'lienthong.db'),
    LIENTHONG_SANDBOX_CLIENT_KEY: CLIENT_KEY,
    LIENTHONG_SANDBOX_OPERATOR_KEY: OPERATOR_KEY,
  });
});

afterAll(async () => {
  gateway.child.kill('SIGTERM');
  await gateway.exited;
  await rm(dir, { recursive: true, force: true });
});

const auth = { authorization: `Bearer ${CLIENT_KEY}`, 'content-type': 'application/json' };

const badRequests: Array<[string, string, RequestInit, number]> = [
  ['malformed JSON', '/v1/sms/send', { method: 'POST', headers: auth, body: '{"agency": "000.00.01.H22",' }, 400],
  ['a JSON array', '/v1/sms/send', { method: 'POST', headers: auth, body: '[1,2,3]' }, 400],
  ['JSON null', '/v1/sms/send', { method: 'POST', headers: auth, body: 'null' }, 400],
  ['binary garbage', '/v1/sms/send', { method: 'POST', headers: auth, body: new Uint8Array([0, 255, 1, 254, 0xc3, 0x28]) }, 400],
  ['wrong types', '/v1/sms/send', { method: 'POST', headers: auth, body: JSON.stringify({ agency: 7, to: ['x'], text: {} }) }, 400],
  ['a landline number', '/v1/sms/send', { method: 'POST', headers: auth, body: JSON.stringify({ agency: '000.00.01.H22', to: '02343812345', text: 'x' }) }, 400],
  ['an unknown agency', '/v1/sms/send', { method: 'POST', headers: auth, body: JSON.stringify({ agency: '999.99.99.X00', to: '0981234567', text: 'x' }) }, 400],
  ['a 5 MB body', '/v1/sms/send', { method: 'POST', headers: auth, body: JSON.stringify({ agency: '000.00.01.H22', to: '0981234567', text: 'x'.repeat(5_000_000) }) }, 413],
  ['an unknown capability', '/v1/telegram/send', { method: 'POST', headers: auth, body: '{}' }, 404],
  ['an internal operation', '/v1/webhook/deliver', { method: 'POST', headers: auth, body: '{}' }, 404],
  ['no key', '/v1/sms/send', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }, 401],
  ['a wrong key', '/v1/sms/send', { method: 'POST', headers: { ...auth, authorization: 'Bearer nope' }, body: '{}' }, 401],
  ['a client key on the admin API', '/admin/v1/replay', { method: 'POST', headers: auth, body: '{}' }, 403],
  ['an oversized Idempotency-Key', '/v1/sms/send', { method: 'POST', headers: { ...auth, 'idempotency-key': 'k'.repeat(300) }, body: JSON.stringify({ agency: '000.00.01.H22', to: '0981234567', text: 'x' }) }, 400],
];

/** A body that claims more bytes than it sends, then the connection closes: the gateway must shrug it off. */
function truncatedRequest(url: string): Promise<void> {
  return new Promise((resolve) => {
    const target = new URL('/v1/sms/send', url);
    const req = request(target, { method: 'POST', headers: { ...auth, 'content-length': '100000' } });
    req.on('error', () => resolve());
    req.write('{"agency":"000.00.01.H22","to":');
    setTimeout(() => {
      req.destroy();
      resolve();
    }, 100);
  });
}

describe('bad input against the running gateway', () => {
  it.each(badRequests)('%s → a problem+json %#', async (_, path, init, status) => {
    const answer = await fetch(`${gateway.url}${path}`, init);
    expect(answer.status).toBe(status);
    expect(answer.headers.get('content-type')).toBe('application/problem+json');
    const problem = (await answer.json()) as { status: number; title: string; type: string };
    expect(problem.status).toBe(status);
    expect(problem.title).toBeTruthy();
  });

  it('stored nothing, and the gateway still serves', async () => {
    await Promise.all(Array.from({ length: 20 }, () => truncatedRequest(gateway.url)));
    const list = await fetch(`${gateway.url}/admin/v1/messages?capability=sms`, { headers: { authorization: `Bearer ${OPERATOR_KEY}` } });
    expect(((await list.json()) as { messages: unknown[] }).messages).toEqual([]);

    const good = await fetch(`${gateway.url}/v1/sms/send`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ agency: '000.00.01.H22', to: '0981234567', text: 'still here' }),
    });
    expect(good.status).toBe(202);
    expect(gateway.child.exitCode).toBeNull();
    expect((await fetch(`${gateway.url}/readyz`)).status).toBe(200);
  });
});
