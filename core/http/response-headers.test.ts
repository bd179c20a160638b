import type { AddressInfo } from 'node:net';
import { type ServerType, serve } from '@hono/node-server';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppEnv } from './env.ts';
import { responseHeaders } from './response-headers.ts';

function app() {
  const app = new Hono<AppEnv>();
  app.use(responseHeaders());
  app.get('/plain', (c) => c.json({ requestId: c.get('requestId') }, 202, { location: '/somewhere' }));
  app.get('/framed', (c) => c.text('own policy', 200, { 'x-frame-options': 'DENY' }));
  app.get('/raw', () => new Response('made by hand', { headers: { 'x-frame-options': 'DENY' } }));
  return app;
}

let server: ServerType;
let base: string;
beforeAll(async () => {
  await new Promise<void>((resolve) => {
    server = serve({ fetch: app().fetch, port: 0, hostname: '127.0.0.1' }, () => resolve());
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const SECURE = {
  'cross-origin-resource-policy': 'same-origin',
  'referrer-policy': 'no-referrer',
  'strict-transport-security': 'max-age=15552000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'SAMEORIGIN',
};

describe.each([
  ['over Node, through @hono/node-server', (path: string, init?: RequestInit) => fetch(`${base}${path}`, init)],
  ['without Node (app.request)', (path: string, init?: RequestInit) => Promise.resolve(app().request(path, init))],
])('response headers, %s', (_, request) => {
  it('puts the secure headers and a fresh request id on an answer, beside its own headers', async () => {
    const first = await request('/plain');
    const second = await request('/plain');
    expect(first.status).toBe(202);
    expect(Object.fromEntries(first.headers)).toMatchObject({ ...SECURE, location: '/somewhere', 'content-type': 'application/json' });
    const id = first.headers.get('x-request-id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(await first.json()).toEqual({ requestId: id });
    expect(second.headers.get('x-request-id')).not.toBe(id);
  });

  it("keeps the caller's plain request id and replaces one that is not", async () => {
    expect((await request('/plain', { headers: { 'x-request-id': 'one-stop=req-42' } })).headers.get('x-request-id')).toBe('one-stop=req-42');
    for (const given of ['a b', 'x'.repeat(256), 'id%C3%A9', '']) {
      const response = await request('/plain', { headers: { 'x-request-id': given } });
      expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it.each(['/framed', '/raw'])('lets a route that sets a header itself keep its value (%s)', async (path) => {
    const response = await request(path);
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  });
});
