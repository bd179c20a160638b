/**
 * The outbound client against a real HTTP server on 127.0.0.1 (no msw here: these calls go through undici, as in
 * production), and its error mapping.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PermanentError, RetryableError } from '../../sdk/errors.ts';
import { blockEventLoop } from '../block-event-loop.test-helper.ts';
import { PAUSE_TOLERANCE_MS } from '../deadline.ts';
import { createHttpClient } from './http-client.ts';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

let server: Server;
let base: string;
const seen: Seen[] = [];
let open = 0;
let mostOpen = 0;

/** The timeout of the calls to the routes that stall this process, and how long they stall it: well past both. */
const STALLED_CALL_TIMEOUT_MS = 100;
const STALL_MS = STALLED_CALL_TIMEOUT_MS + PAUSE_TOLERANCE_MS + 300;

const routes: Record<string, (request: IncomingMessage, response: ServerResponse, body: string) => void> = {
  '/json': (_, response) => response.writeHead(200, { 'content-type': 'application/json', 'set-cookie': ['a=1', 'b=2'] }).end('{"ok":true}'),
  '/echo': (_, response, body) => response.writeHead(200, { 'content-type': 'text/plain' }).end(`echo:${body}`),
  '/bytes': (_, response) => response.writeHead(200, { 'content-type': 'application/octet-stream' }).end(Buffer.from([0, 255, 1, 254])),
  '/big': (_, response) => response.writeHead(200).end(Buffer.alloc(64 * 1024, 1)),
  '/busy': (_, response) => response.writeHead(503, { 'retry-after': '7' }).end('busy'),
  '/refused': (_, response) => response.writeHead(422).end('no'),
  '/moved': (_, response) => response.writeHead(302, { location: '/json' }).end(),
  '/slow': (_, response) => setTimeout(() => response.writeHead(200).end('late'), 2_000),
  '/hold': (_, response) => setTimeout(() => response.writeHead(200).end('held'), 50),
  '/empty-gzip': (_, response) => response.writeHead(204, { 'content-encoding': 'gzip' }).end(),
  '/gzip': (_, response) => response.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' }).end(gzipSync('{"packed":true}')),
  // The server shares this process: once it has answered, it stops the process as a pause would, past the timeout.
  '/answer-then-stall': (_, response) => {
    response.writeHead(200, { 'content-type': 'text/plain' }).end('answered');
    blockEventLoop(STALL_MS);
  },
  '/stall-unanswered': () => blockEventLoop(STALL_MS),
  '/cut': (_, response) => {
    response.writeHead(200, { 'content-length': '100' }).write('partial');
    setTimeout(() => response.socket?.destroy(), 10);
  },
};

beforeAll(async () => {
  server = createServer((request, response) => {
    open += 1;
    mostOpen = Math.max(mostOpen, open);
    response.on('close', () => (open -= 1));
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      seen.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers, body });
      const route = routes[(request.url ?? '').split('?')[0] ?? ''];
      if (route) route(request, response, body);
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

const client = (timeoutMs = 1_000, maxSockets = 4) => createHttpClient({ timeoutMs, maxSockets });
const last = () => seen.at(-1) as Seen;

describe('the outbound client', () => {
  it('sends the method, query, headers, basic auth and body, and parses JSON answers', async () => {
    const answer = await client().post(`${base}/json`, 'name=An', {
      params: { page: 2 },
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-request-id': 'msg_1', connection: 'keep-alive' },
      auth: { username: 'gateway', password: 'pw' },
    });
    expect(answer.status).toBe(200);
    expect(answer.data).toEqual({ ok: true });
    expect(answer.headers['set-cookie']).toEqual(['a=1', 'b=2']);
    expect(last()).toMatchObject({ method: 'POST', url: '/json?page=2', body: 'name=An' });
    expect(last().headers).toMatchObject({
      'x-request-id': 'msg_1',
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from('gateway:pw').toString('base64')}`,
    });
  });

  it('joins a relative url to baseURL and writes params as axios does', async () => {
    await client().get('json/', { baseURL: `${base}/`, params: { q: 'Huế', n: 2, empty: undefined } }).catch(() => undefined);
    expect(last().url).toBe('/json/?q=Hu%E1%BA%BF&n=2');
    await client().get('/json', { baseURL: base, params: { q: ['a', 'b'] } });
    expect(decodeURIComponent(last().url)).toBe('/json?q[]=a&q[]=b');
  });

  it('leaves an empty answer alone whatever its content-encoding says', async () => {
    const answer = await client().get(`${base}/empty-gzip`, { responseType: 'text' });
    expect(answer).toMatchObject({ status: 204, data: '' });
  });

  it('refuses a malformed call for good: the next attempt would make the same mistake', async () => {
    const error = await client().get('http://', {}).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(PermanentError);
  });

  it('answers text, bytes or a stream as asked', async () => {
    const text = await client().post(`${base}/echo`, 'Hồ sơ', { responseType: 'text' });
    expect(text.data).toBe('echo:Hồ sơ');
    const bytes = await client().get(`${base}/bytes`, { responseType: 'arraybuffer' });
    expect([...(bytes.data as Buffer)]).toEqual([0, 255, 1, 254]);
    const stream = await client().get(`${base}/bytes`, { responseType: 'stream' });
    const chunks: Buffer[] = [];
    for await (const chunk of stream.data as Readable) chunks.push(chunk as Buffer);
    expect([...Buffer.concat(chunks)]).toEqual([0, 255, 1, 254]);
  });

  it('sends a stream body', async () => {
    await client().post(`${base}/echo`, Readable.from([Buffer.from('a'), Buffer.from('b')]), { headers: { 'content-type': 'text/plain' } });
    expect(last().body).toBe('ab');
  });

  it('does not follow redirects', async () => {
    const error = await client().get(`${base}/moved`).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(PermanentError);
    expect((error as PermanentError).code).toBe('HTTP_302');
  });

  it('maps 5xx to retryable with the Retry-After, other refusals to permanent, naming host and status only', async () => {
    const busy = await client().get(`${base}/busy?token=secret`).catch((thrown: unknown) => thrown);
    expect(busy).toBeInstanceOf(RetryableError);
    expect(busy).toMatchObject({ code: 'HTTP_503', retryAfterMs: 7_000, message: `HTTP 503 from ${new URL(base).host}` });
    const refused = await client().get(`${base}/refused`).catch((thrown: unknown) => thrown);
    expect(refused).toBeInstanceOf(PermanentError);
    expect((refused as Error).message).not.toContain('secret');
  });

  it('lets validateStatus take every answer', async () => {
    const answer = await client().get(`${base}/refused`, { validateStatus: () => true, responseType: 'text' });
    expect(answer).toMatchObject({ status: 422, data: 'no' });
  });

  it('gives up after the timeout, retryably', async () => {
    const error = await client(100).get(`${base}/slow`).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(RetryableError);
    expect(error).toMatchObject({ code: 'ETIMEDOUT', providerFault: true });
  });

  it('takes an answer that came while this process did not run (past the timeout) for the answer it is', async () => {
    const answer = await client(STALLED_CALL_TIMEOUT_MS).get(`${base}/answer-then-stall`, { responseType: 'text' });
    expect(answer).toMatchObject({ status: 200, data: 'answered' });
  });

  it('times out after this process did not run, retryably, without blaming the provider', async () => {
    const error = await client(STALLED_CALL_TIMEOUT_MS).get(`${base}/stall-unanswered`).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(RetryableError);
    expect(error).toMatchObject({ code: 'ETIMEDOUT', providerFault: false });
    expect((error as Error).message).toMatch(/^no answer from 127\.0\.0\.1:\d+ in time, but the gateway process did not run meanwhile/);
  });

  it("stops when the caller's signal aborts", async () => {
    const controller = new AbortController();
    const call = client().get(`${base}/slow`, { signal: controller.signal }).catch((thrown: unknown) => thrown);
    setTimeout(() => controller.abort(), 20);
    expect(await call).toMatchObject({ code: 'ABORTED' });
  });

  it('refuses an answer over maxContentLength, for good: it will be as large next time', async () => {
    const error = await client().get(`${base}/big`, { maxContentLength: 1024 }).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(PermanentError);
    expect((error as PermanentError).code).toBe('RESPONSE_TOO_LARGE');
  });

  it('decompresses an answer the provider compressed unasked', async () => {
    expect((await client().get(`${base}/gzip`)).data).toEqual({ packed: true });
  });

  it('takes an answer cut off mid-body for a transport failure, not a refusal', async () => {
    const error = await client().get(`${base}/cut`, { validateStatus: () => true }).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(RetryableError);
  });

  it('reports a refused connection retryably, with the socket error code', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const error = await client().get(`http://127.0.0.1:${port}/`).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(RetryableError);
    expect((error as RetryableError).code).toBe('ECONNREFUSED');
  });

  it('keeps to its connection limit however many calls are in flight', async () => {
    mostOpen = 0;
    const limited = client(5_000, 2);
    await Promise.all(Array.from({ length: 8 }, () => limited.get(`${base}/hold`)));
    expect(mostOpen).toBe(2);
  });
});
