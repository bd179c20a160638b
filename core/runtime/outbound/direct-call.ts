/**
 * A direct path for the webhook delivery and the SDK's `requestJson`: one call through the instance's undici dispatcher,
 * without axios's config merging, interceptors and transforms, which cost a webhook delivery more main-thread time
 * than the rest of its attempt. Same pool (so the same maxSockets), same timeout over the whole call with the same
 * pause rule, the caller's signal, the same size limit, and the same errors as the axios client's
 * (`classifyHttpError`). The status and headers come back, and the body as text when asked for (otherwise it is
 * read and dropped, which frees the connection for the next call).
 */
import type { Readable } from 'node:stream';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import type { Dispatcher } from 'undici';
import { hostOf } from '../../sdk/provider/host.ts';
import { httpStatusError } from '../../sdk/provider/http-status.ts';
import { PermanentError, RetryableError } from '../../sdk/errors.ts';
import { type Expiry, startDeadline } from '../deadline.ts';
import { MALFORMED_CALL, abortedError, malformedCallError, networkCode, noAnswerError, timedOutAfterPauseError, tooLargeError } from './call-errors.ts';
import { type Dispatched, dispatchCall } from './dispatch-call.ts';
import { outboundThroughFetch, sendOutbound } from './undici-adapter.ts';

export interface DirectCall {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
  /** The attempt's signal (its own timeout, shutdown): aborting it ends the call as `ABORTED`. */
  signal?: AbortSignal;
  /** Over the whole call, the body's reading included; the client's own timeout without it. */
  timeoutMs?: number;
  /** The statuses that are an answer rather than an error. */
  accept: (status: number) => boolean;
  /** Bring the answer's body back as text (decompressed if the provider compressed it); otherwise it is dropped. */
  readBody?: boolean;
}

export interface DirectAnswer {
  status: number;
  headers: Record<string, string | string[]>;
  /** With `readBody`. */
  body?: string;
}

/** What the instance's client lends the direct path. */
export interface DirectClientSettings {
  dispatcher: Dispatcher;
  timeoutMs: number;
  /** Bytes of answer read at most; -1 for no limit (axios's default, which the client keeps). */
  maxContentLength: () => number;
}

class TimedOut extends Error {
  constructor(readonly expiry: Expiry) {
    super('timed out');
  }
}

class TooLarge extends Error {}

export class DirectClient {
  constructor(readonly settings: DirectClientSettings) {}

  /** Resolves with the status and headers of an accepted answer; throws the plugin contract's errors otherwise. */
  async call(call: DirectCall): Promise<DirectAnswer> {
    const timeoutMs = call.timeoutMs ?? this.settings.timeoutMs;
    const sent = outboundThroughFetch() ? this.#throughFetch(call) : this.#dispatched(call);
    let expired: Expiry | undefined;
    const deadline =
      timeoutMs > 0
        ? startDeadline(timeoutMs, (expiry) => {
            expired = expiry;
            sent.abort(new TimedOut(expiry));
          })
        : undefined;
    const caller = call.signal;
    const interrupt = () => sent.abort(caller?.reason);
    if (caller?.aborted) interrupt();
    else caller?.addEventListener('abort', interrupt);
    try {
      const answer = await sent.answer;
      if (!call.accept(answer.status)) throw httpStatusError(answer.status, hostOf(call.url), answer.headers['retry-after']);
      const { status, headers, body } = answer;
      return body === undefined ? { status, headers } : { status, headers, body: textOf(body, headers, this.settings.maxContentLength()) };
    } catch (error) {
      throw this.#classified(error, call, expired);
    } finally {
      deadline?.cancel();
      caller?.removeEventListener('abort', interrupt);
    }
  }

  /** Straight to the instance's dispatcher (dispatch-call.ts). */
  #dispatched(call: DirectCall): Dispatched {
    return dispatchCall(this.settings.dispatcher, {
      method: call.method,
      url: call.url,
      headers: call.headers,
      body: call.body,
      limit: this.settings.maxContentLength(),
      tooLarge: () => new TooLarge(),
      readBody: call.readBody,
    });
  }

  /** Through the global fetch, where a test process's msw sees the call. */
  #throughFetch(call: DirectCall): Dispatched {
    const controller = new AbortController();
    const answer = (async () => {
      const raw = await sendOutbound(call.url, { method: call.method, headers: call.headers, body: call.body, signal: controller.signal, dispatcher: this.settings.dispatcher });
      const body = await drain(raw.body, this.settings.maxContentLength(), call.readBody === true);
      return { status: raw.status, headers: raw.headers, body };
    })();
    return { answer, abort: (reason) => controller.abort(reason) };
  }

  #classified(error: unknown, call: DirectCall, expired: Expiry | undefined): RetryableError | PermanentError {
    const host = hostOf(call.url);
    if (error instanceof TooLarge) return tooLargeError(host, this.settings.maxContentLength());
    // The status's own error, thrown above.
    if (error instanceof RetryableError || error instanceof PermanentError) return error;
    if (expired) return expired.afterPause ? timedOutAfterPauseError(host, 'ETIMEDOUT') : noAnswerError(host, 'ETIMEDOUT');
    if (call.signal?.aborted) return abortedError(host);
    const code = networkCode(error);
    if (MALFORMED_CALL.has(code)) return malformedCallError(host, code);
    return noAnswerError(host, code);
  }
}

/**
 * Reads the answer to its end (so its connection serves the next call), keeping it when `keep`; stops past `limit`
 * bytes.
 */
async function drain(body: Readable, limit: number, keep: boolean): Promise<Buffer | undefined> {
  let length = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of body) {
    length += (chunk as Uint8Array).length;
    if (limit > -1 && length > limit) {
      body.destroy();
      throw new TooLarge();
    }
    if (keep) chunks.push(Buffer.from(chunk as Uint8Array));
  }
  return keep ? Buffer.concat(chunks) : undefined;
}

/**
 * A provider may compress although nobody asked it to: the body as text, decompressed as axios would, and no longer
 * than `limit` bytes once decompressed (-1: no limit).
 */
function textOf(body: Buffer, headers: Record<string, string | string[]>, limit: number): string {
  if (body.length === 0) return '';
  const encoding = String(headers['content-encoding'] ?? '').trim().toLowerCase();
  const inflate = { gzip: gunzipSync, 'x-gzip': gunzipSync, deflate: inflateSync, br: brotliDecompressSync }[encoding];
  if (!inflate) return body.toString();
  try {
    return inflate(body, limit > -1 ? { maxOutputLength: limit } : {}).toString();
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw new TooLarge();
    throw error;
  }
}
