/**
 * The direct path of core's own plugins against a real HTTP server on 127.0.0.1 (undici, as in production): the
 * same answers and the very same errors as the axios client over the same pool.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blockEventLoop } from '../block-event-loop.test-helper.ts';
import { PAUSE_TOLERANCE_MS } from '../deadline.ts';
import type { DirectCall } from './direct-call.ts';
import { createHttpClient, directClientOf } from './http-client.ts';

const STALLED_CALL_TIMEOUT_MS = 100;
const STALL_MS = STALLED_CALL_TIMEOUT_MS + PAUSE_TOLERANCE_MS + 300;

let server: Server;
let base: string;
let open = 0;
let mostOpen = 0;
const bodies: string[] = [];

const routes: Record<string, (response: ServerResponse) => void> = {
  '/ok': (response) => response.writeHead(204).end(),
  '/gone': (response) => response.writeHead(410).end('gone'),
  '/busy': (response) => response.writeHead(503, { 'retry-after': '7' }).end('busy'),
  '/throttled': (response) => response.writeHead(429, { 'retry-after': '3' }).end(),
  '/refused': (response) => response.writeHead(422).end('no'),
  '/moved': (response) => response.writeHead(302, { location: '/ok' }).end(),
  '/big': (response) => response.writeHead(200).end(Buffer.alloc(64 * 1024, 1)),
  // Compressed although nobody asked: 64 KiB of JSON that is 150-odd bytes on the wire.
  '/gzip-json': (response) => response.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' }).end(gzipSync(JSON.stringify({ text: 'x'.repeat(64 * 1024) }))),
  '/slow': (response) => setTimeout(() => response.writeHead(200).end('late'), 2_000),
  '/hold': (response) => setTimeout(() => response.writeHead(204).end(), 50),
  '/stall-unanswered': () => blockEventLoop(STALL_MS),
  '/cut': (response) => {
    response.writeHead(200, { 'content-length': '100' }).write('partial');
    setTimeout(() => response.socket?.destroy(), 10);
  },
};

beforeAll(async () => {
  server = createServer((request: IncomingMessage, response) => {
    open += 1;
    mostOpen = Math.max(mostOpen, open);
    response.on('close', () => (open -= 1));
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      bodies.push(Buffer.concat(chunks).toString());
      const route = routes[(request.url ?? '').split('?')[0] ?? ''];
      if (route) route(response);
      else response.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const accept = (status: number) => (status >= 200 && status < 300) || status === 410;

function clients(timeoutMs = 1_000, maxSockets = 4) {
  const http = createHttpClient({ timeoutMs, maxSockets });
  const direct = directClientOf(http);
  if (!direct) throw new Error('createHttpClient made no direct path');
  return { http, direct };
}

/** What a failure looks like to the worker: its class and the fields it reads. */
const shape = (error: unknown) => {
  const { name, message, code, retryAfterMs, providerFault } = error as Record<string, unknown>;
  return { name, message, code, retryAfterMs, providerFault };
};

/** The same call both ways; resolves with the direct path's outcome once it is the axios client's. */
async function both(url: string, options: { timeoutMs?: number; maxContentLength?: number; signal?: () => AbortSignal } = {}) {
  const { http, direct } = clients(options.timeoutMs);
  if (options.maxContentLength !== undefined) http.defaults.maxContentLength = options.maxContentLength;
  const call: DirectCall = { method: 'POST', url, headers: { 'content-type': 'application/json' }, body: '{"n":1}', accept };
  const viaAxios = await http
    .post(url, '{"n":1}', { headers: call.headers, validateStatus: accept, responseType: 'text', ...(options.signal ? { signal: options.signal() } : {}) })
    .then((answer) => ({ status: answer.status }), (error: unknown) => ({ error: shape(error) }));
  const viaDirect = await direct
    .call({ ...call, ...(options.signal ? { signal: options.signal() } : {}) })
    .then((answer) => ({ status: answer.status }), (error: unknown) => ({ error: shape(error) }));
  expect(viaDirect).toEqual(viaAxios);
  return viaDirect;
}

describe('the direct path', () => {
  it('sends the body and answers an accepted status', async () => {
    expect(await both(`${base}/ok`)).toEqual({ status: 204 });
    expect(bodies.at(-1)).toBe('{"n":1}');
    expect(await both(`${base}/gone`)).toEqual({ status: 410 });
  });

  it.each(['/busy', '/throttled', '/refused', '/moved', '/cut'])('fails %s as the axios client does', async (path) => {
    const outcome = await both(`${base}${path}?token=secret`);
    expect(outcome).toHaveProperty('error');
    expect(JSON.stringify(outcome)).not.toContain('secret');
  });

  it('keeps the Retry-After of a retryable status', async () => {
    expect(await both(`${base}/busy`)).toMatchObject({ error: { name: 'RetryableError', code: 'HTTP_503', retryAfterMs: 7_000 } });
    expect(await both(`${base}/refused`)).toMatchObject({ error: { name: 'PermanentError', code: 'HTTP_422' } });
  });

  it('times out as the axios client does, and after a pause of this process without blaming the provider', async () => {
    expect(await both(`${base}/slow`, { timeoutMs: 100 })).toMatchObject({ error: { code: 'ETIMEDOUT', providerFault: true } });
    expect(await both(`${base}/stall-unanswered`, { timeoutMs: STALLED_CALL_TIMEOUT_MS })).toMatchObject({ error: { code: 'ETIMEDOUT', providerFault: false } });
  });

  it('takes the call\'s own timeout over the client\'s', async () => {
    const { direct } = clients(5_000);
    const error = await direct.call({ method: 'POST', url: `${base}/slow`, headers: {}, body: '', timeoutMs: 100, accept }).catch(shape);
    expect(error).toMatchObject({ code: 'ETIMEDOUT' });
  });

  it("stops when the caller's signal aborts", async () => {
    const aborting = () => {
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 20);
      return controller.signal;
    };
    expect(await both(`${base}/slow`, { signal: aborting })).toMatchObject({ error: { code: 'ABORTED' } });
    const aborted = AbortSignal.abort();
    expect(await both(`${base}/ok`, { signal: () => aborted })).toMatchObject({ error: { code: 'ABORTED' } });
  });

  it('brings the body back as text when asked, decompressed as the axios client reads it', async () => {
    const { http, direct } = clients();
    const url = `${base}/gzip-json`;
    const viaAxios = await http.get<string>(url, { responseType: 'text', transformResponse: [(body: unknown) => body] });
    const viaDirect = await direct.call({ method: 'GET', url, headers: {}, accept, readBody: true });
    expect(viaDirect.body).toBe(viaAxios.data);
    expect(JSON.parse(viaDirect.body ?? '')).toEqual({ text: 'x'.repeat(64 * 1024) });
  });

  it("counts a compressed answer's maxContentLength once decompressed", async () => {
    const { http, direct } = clients();
    http.defaults.maxContentLength = 1024;
    const error = await direct.call({ method: 'GET', url: `${base}/gzip-json`, headers: {}, accept, readBody: true }).catch(shape);
    expect(error).toMatchObject({ name: 'PermanentError', code: 'RESPONSE_TOO_LARGE' });
  });

  it("refuses an answer over the client's maxContentLength, for good", async () => {
    expect(await both(`${base}/big`, { maxContentLength: 1024 })).toMatchObject({ error: { name: 'PermanentError', code: 'RESPONSE_TOO_LARGE' } });
  });

  it('reports a refused connection and a malformed URL as the axios client does', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    expect(await both(`http://127.0.0.1:${port}/`)).toMatchObject({ error: { name: 'RetryableError', code: 'ECONNREFUSED' } });
    expect(await both('http://')).toMatchObject({ error: { name: 'PermanentError' } });
  });

  it("keeps to the instance's connection limit, shared with its axios client", async () => {
    mostOpen = 0;
    const { http, direct } = clients(5_000, 2);
    await Promise.all([
      ...Array.from({ length: 4 }, () => direct.call({ method: 'POST', url: `${base}/hold`, headers: {}, body: '', accept })),
      ...Array.from({ length: 4 }, () => http.post(`${base}/hold`, '')),
    ]);
    expect(mostOpen).toBe(2);
  });
});
