/**
 * One HTTP call through an undici dispatcher's own handler interface, for the direct path (direct-call.ts): the
 * status and headers come back, and the body when asked for (otherwise it is counted and dropped as it arrives).
 * undici's `request` would wrap the same call in an async resource, an abort listener and a Readable whose body then
 * has to be iterated: on a webhook delivery, more of the main thread than the rest of the call.
 */
import type { Dispatcher } from 'undici';

export interface DispatchedCall {
  method: Dispatcher.HttpMethod;
  url: string;
  headers: Record<string, string>;
  body?: string | Uint8Array | undefined;
  /** Bytes of answer read at most; -1 for no limit. */
  limit: number;
  /** Thrown (as the call's error) when the answer is longer than `limit`. */
  tooLarge: () => Error;
  /** Keep the answer's body (`body`); otherwise it is counted and dropped. */
  readBody?: boolean | undefined;
}

export interface DispatchedAnswer {
  status: number;
  headers: Record<string, string | string[]>;
  /** The body's bytes, when asked for. */
  body?: Buffer | undefined;
}

/** A call on its way: its answer, and how to abort it (the promise rejects at once with `reason`). */
export interface Dispatched {
  answer: Promise<DispatchedAnswer>;
  abort(reason: unknown): void;
}

/** Origins and paths of the URLs called, parsed once each (a subscription calls the same URL every time). */
const parsed = new Map<string, { origin: string; path: string }>();
const PARSED_LIMIT = 1024;

function originAndPath(url: string): { origin: string; path: string } {
  let found = parsed.get(url);
  if (!found) {
    const { origin, pathname, search } = new URL(url);
    found = { origin, path: `${pathname}${search}` };
    if (parsed.size >= PARSED_LIMIT) parsed.clear();
    parsed.set(url, found);
  }
  return found;
}

export function dispatchCall(dispatcher: Dispatcher, call: DispatchedCall): Dispatched {
  let resolveAnswer!: (answer: DispatchedAnswer) => void;
  let rejectAnswer!: (error: unknown) => void;
  const answer = new Promise<DispatchedAnswer>((resolve, reject) => {
    resolveAnswer = resolve;
    rejectAnswer = reject;
  });
  let settled = false;
  const settle = (error: unknown, value?: DispatchedAnswer) => {
    if (settled) return;
    settled = true;
    if (value) resolveAnswer(value);
    else rejectAnswer(error);
  };
  let abortRequest: ((reason: Error) => void) | undefined;
  let abortedWith: { reason: unknown } | undefined;
  let status = 0;
  let headers: Record<string, string | string[]> = {};
  let length = 0;
  const chunks: Buffer[] | undefined = call.readBody ? [] : undefined;

  const handler: Dispatcher.DispatchHandler = {
    onConnect(abort) {
      abortRequest = abort;
      if (abortedWith) abort(asError(abortedWith.reason));
    },
    onHeaders(statusCode, rawHeaders) {
      // 1xx: informational, the real answer follows.
      if (statusCode < 200) return true;
      status = statusCode;
      headers = headersOf(rawHeaders);
      return true;
    },
    onData(chunk) {
      length += chunk.length;
      if (call.limit > -1 && length > call.limit) {
        const error = call.tooLarge();
        settle(error);
        abortRequest?.(error);
        return false;
      }
      chunks?.push(chunk);
      return true;
    },
    onComplete() {
      settle(undefined, { status, headers, ...(chunks ? { body: Buffer.concat(chunks) } : {}) });
    },
    onError(error) {
      settle(abortedWith ? abortedWith.reason : error);
    },
  };
  try {
    const { origin, path } = originAndPath(call.url);
    dispatcher.dispatch({ origin, path, method: call.method, headers: call.headers, body: call.body ?? null }, handler);
  } catch (error) {
    settle(error);
  }
  return {
    answer,
    abort(reason) {
      if (settled || abortedWith) return;
      abortedWith = { reason };
      // Queued and not yet connected, the request is aborted as soon as it is; the caller hears now.
      settle(reason);
      abortRequest?.(asError(reason));
    },
  };
}

function asError(reason: unknown): Error {
  return reason instanceof Error ? reason : new Error(String(reason));
}

/** Raw header pairs as lower-cased names; a name that repeats gets a list. */
function headersOf(raw: Buffer[] | string[] | null): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {};
  if (!raw) return headers;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!.toString().toLowerCase();
    const value = raw[i + 1]!.toString();
    const existing = headers[name];
    headers[name] = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  return headers;
}
