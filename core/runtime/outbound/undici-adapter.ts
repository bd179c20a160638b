/**
 * An axios adapter over undici: the plugins keep axios's interface (node-soap needs it), while each call costs a
 * fraction of the CPU of axios's node:http adapter (measured here: about 20 µs against 95 µs a call). The adapter
 * does what axios's own would with the gateway's settings: no redirects followed, the timeout over the whole call,
 * the caller's signal, `maxContentLength`, `validateStatus`, and `responseType` text, json, arraybuffer or stream.
 */
import { STATUS_CODES } from 'node:http';
import { PassThrough, Readable, pipeline } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import axios, { AxiosError, AxiosHeaders, type AxiosAdapter, type AxiosResponse, type InternalAxiosRequestConfig } from 'axios';
import { type Dispatcher, request } from 'undici';
import { type Expiry, startDeadline } from '../deadline.ts';
import { RESPONSE_TOO_LARGE, networkCode } from './call-errors.ts';

/** What one call answered, whichever way it went out. */
export interface RawResponse {
  status: number;
  headers: Record<string, string | string[]>;
  body: Readable;
}

export type Send = (url: string, init: { method: string; headers: Record<string, string>; body: RequestBody; signal: AbortSignal; dispatcher: Dispatcher }) => Promise<RawResponse>;
type RequestBody = string | Uint8Array | Readable | undefined;

const viaUndici: Send = async (url, init) => {
  const answer = await request(url, { ...init, method: init.method as Dispatcher.HttpMethod });
  return { status: answer.statusCode, headers: answer.headers as Record<string, string | string[]>, body: answer.body };
};

/** Through the global fetch, which test processes intercept with msw; undici's own `request` escapes it. */
const viaFetch: Send = async (url, { method, headers, body, signal }) => {
  // No dispatcher: the global fetch has its own pool, and here calls are answered by the interceptor anyway.
  const answer = await fetch(url, { method, headers, body, signal, redirect: 'manual', ...(body instanceof Readable ? { duplex: 'half' } : {}) } as RequestInit);
  const answered: Record<string, string | string[]> = {};
  answer.headers.forEach((value, name) => {
    answered[name] = value;
  });
  const cookies = answer.headers.getSetCookie();
  if (cookies.length > 0) answered['set-cookie'] = cookies;
  // fetch has decompressed the body already, and says so only by keeping the header.
  delete answered['content-encoding'];
  delete answered['content-length'];
  return { status: answer.status, headers: answered, body: answer.body ? Readable.fromWeb(answer.body as import('node:stream/web').ReadableStream) : Readable.from([]) };
};

let send: Send = viaUndici;

/**
 * Test processes only: while on, outbound calls go through the global fetch so that msw sees them (and refuses what
 * no handler answers). `core/sdk/testing/msw.ts` turns it on for a test file that sets up msw.
 */
export function routeOutboundThroughFetch(on: boolean): void {
  send = on ? viaFetch : viaUndici;
}

/** Whether outbound calls go through the global fetch now (a test process with msw), not straight to undici. */
export function outboundThroughFetch(): boolean {
  return send === viaFetch;
}

/** Sends one call the way every outbound call goes now (undici, or the global fetch in a test process with msw). */
export const sendOutbound: Send = (url, init) => send(url, init);

export { RESPONSE_TOO_LARGE } from './call-errors.ts';

/** Connection-level headers are the dispatcher's business; undici refuses most of them. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'proxy-connection']);

/** Timeouts that followed a pause of this process (see ../deadline.ts): `timedOutAfterPause` tells them. */
const afterPause = new WeakSet<object>();

/** Whether `error` is this adapter's timeout that came after a pause of the process, not a slow provider. */
export function timedOutAfterPause(error: unknown): boolean {
  return typeof error === 'object' && error !== null && afterPause.has(error);
}

export function undiciAdapter(dispatcher: Dispatcher): AxiosAdapter {
  return async function undiciAdapter(config) {
    const timeoutMs = config.timeout ?? 0;
    const timeout = timeoutMs > 0 ? new AbortController() : undefined;
    let expired: Expiry | undefined;
    const deadline = timeout
      ? startDeadline(timeoutMs, (expiry) => {
          expired = expiry;
          timeout.abort(new DOMException(`timed out after ${timeoutMs} ms`, 'TimeoutError'));
        })
      : undefined;
    // A streamed body is read after the adapter returns: the deadline covers it until it closes.
    let streaming = false;
    const caller = config.signal instanceof AbortSignal ? config.signal : undefined;
    const signals = [caller, timeout?.signal].filter((signal) => signal !== undefined);
    const signal = signals.length === 1 && signals[0] ? signals[0] : AbortSignal.any(signals);
    try {
      const raw = await send(requestUrl(config), {
        method: (config.method ?? 'get').toUpperCase(),
        headers: requestHeaders(config),
        body: requestBody(config.data),
        signal,
        dispatcher,
      });
      const data = await responseData(decoded(raw, config), config);
      if (deadline && data instanceof Readable) {
        streaming = true;
        data.once('close', () => deadline.cancel());
      }
      const response: AxiosResponse = {
        data,
        status: raw.status,
        statusText: STATUS_CODES[raw.status] ?? '',
        headers: new AxiosHeaders(raw.headers),
        config,
        request: {},
      };
      const { validateStatus } = config;
      if (!validateStatus || validateStatus(response.status)) return response;
      const code = response.status >= 500 ? AxiosError.ERR_BAD_RESPONSE : AxiosError.ERR_BAD_REQUEST;
      throw new AxiosError(`Request failed with status code ${response.status}`, code, config, {}, response);
    } catch (error) {
      if (error instanceof AxiosError) throw error;
      if (expired) {
        const timedOut = new AxiosError(`timeout of ${timeoutMs}ms exceeded`, AxiosError.ETIMEDOUT, config, {});
        if (expired.afterPause) afterPause.add(timedOut);
        throw timedOut;
      }
      if (caller?.aborted) throw new axios.CanceledError(undefined, config, {});
      throw AxiosError.from(error, networkCode(error), config, {});
    } finally {
      if (!streaming) deadline?.cancel();
    }
  };
}

/**
 * The URL with its query, as axios builds it: `baseURL` for a relative `url`, plain-object `params` appended.
 * axios.getUri would merge the whole config with the defaults again, which costs more than the call's own work.
 */
function requestUrl(config: InternalAxiosRequestConfig): string {
  const params = (config.params as Record<string, unknown> | undefined) ?? {};
  // Only flat text and numbers take the short way; arrays, objects and custom serializers are axios's to write.
  const flat = Object.values(params).every((value) => value === undefined || value === null || ['string', 'number', 'boolean'].includes(typeof value));
  if (config.paramsSerializer || !flat) return axios.getUri(config);
  const path = config.url ?? '';
  const absolute = /^[a-z][a-z\d+\-.]*:\/\//i.test(path);
  const url = new URL(absolute || !config.baseURL ? path : `${config.baseURL.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`);
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== null) url.searchParams.append(name, String(value));
  }
  return url.href;
}

function requestHeaders(config: InternalAxiosRequestConfig): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(AxiosHeaders.from(config.headers).toJSON())) {
    if (value === undefined || value === null || HOP_BY_HOP.has(name.toLowerCase())) continue;
    headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  if (config.auth) {
    headers.authorization = `Basic ${Buffer.from(`${config.auth.username}:${config.auth.password}`).toString('base64')}`;
  }
  return headers;
}

/** What axios's request transforms leave: text, bytes, or a stream. */
function requestBody(data: unknown): RequestBody {
  if (data === undefined || data === null) return undefined;
  if (typeof data === 'string' || data instanceof Uint8Array || data instanceof Readable) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  throw new AxiosError('the outbound client sends text, bytes or a stream', AxiosError.ERR_BAD_OPTION_VALUE);
}

/**
 * A provider may compress although nobody asked it to: the body is read as axios would, decompressed; an answer
 * that has no body (HEAD, 204, 304, length 0) is left alone whatever its headers say.
 */
function decoded(raw: RawResponse, config: InternalAxiosRequestConfig): Readable {
  const encoding = String(raw.headers['content-encoding'] ?? '').trim().toLowerCase();
  const decompress = { gzip: createGunzip, 'x-gzip': createGunzip, deflate: createInflate, br: createBrotliDecompress }[encoding];
  const bodiless = config.method?.toLowerCase() === 'head' || raw.status === 204 || raw.status === 304 || raw.headers['content-length'] === '0';
  if (!decompress || bodiless) return raw.body;
  // pipeline, so that a failure on either side (or the reader giving up) releases the connection at once.
  return pipeline(raw.body, decompress(), new PassThrough(), () => undefined);
}

async function responseData(body: Readable, config: InternalAxiosRequestConfig): Promise<unknown> {
  if (config.responseType === 'stream') return body;
  const limit = config.maxContentLength ?? -1;
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of body) {
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
    length += bytes.length;
    if (limit > -1 && length > limit) {
      body.destroy();
      throw new AxiosError(`maxContentLength size of ${limit} exceeded`, RESPONSE_TOO_LARGE, config, {});
    }
    chunks.push(bytes);
  }
  const bytes = Buffer.concat(chunks, length);
  return config.responseType === 'arraybuffer' ? bytes : bytes.toString((config.responseEncoding as BufferEncoding | undefined) ?? 'utf8');
}

