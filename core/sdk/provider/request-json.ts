/**
 * One JSON call to a provider over the instance's client, its answer checked with a valibot schema. Every status is
 * read here, so that the JSON body of an error status (4xx, 5xx) reaches the plugin, which may know the provider's
 * own code in it; what the plugin does not read is classified by the HTTP rules (`httpStatusError`). Failures with
 * no answer (refused connection, timeout, abort) arrive already classified by the instance's client.
 *
 * An answer that is not JSON, or does not match the schema, is retryable (`MALFORMED_ANSWER`): it is the provider's
 * side that answered oddly (a maintenance page, a proxy, a half-deployed release), not our request that was wrong,
 * and a request that changed something (a payment registered) may have been taken all the same. The next attempt
 * may get a proper answer; a provider that changed its format for good runs out of attempts and lands in the dead
 * letters, where it is seen, instead of losing the message at once.
 */
import type { AxiosInstance, AxiosResponse } from 'axios';
import * as v from 'valibot';
import { RetryableError, type PermanentError } from '../errors.ts';
import { hostOf } from './host.ts';
import { httpStatusError } from './http-status.ts';
import { parseRetryAfter } from './retry-after.ts';
import { requestText } from './request-text.ts';

export interface JsonRequest<Answer> {
  /** Default: POST when there is a body, GET otherwise. */
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  /** Added to the URL's query. */
  params?: Record<string, string | number | boolean | undefined>;
  /** Added to `accept: application/json` and the body's content type; these win. */
  headers?: Record<string, string>;
  /** Sent as JSON; `URLSearchParams` go as a form (an OAuth2 token request). */
  body?: unknown;
  /** The answer of a 2xx status. */
  answer: v.GenericSchema<unknown, Answer>;
  /** The attempt's signal (undefined only for a call that many attempts share, such as a login). */
  signal: AbortSignal | undefined;
  /** Default: the instance client's timeout. */
  timeoutMs?: number | undefined;
  /**
   * Reads the body of an error status: return the provider's answer (one that says "not found" with a 404, say),
   * or throw, either the error the provider's own code means or `failure.httpError` when the body says nothing
   * the plugin knows. Without it, `failure.httpError` is thrown.
   */
  errorAnswer?(failure: ErrorAnswer): Answer;
}

/** An error status and what came with it. */
export interface ErrorAnswer {
  status: number;
  /** The body read as JSON; undefined when it is empty or not JSON. */
  body: unknown;
  retryAfterMs: number | undefined;
  host: string;
  /** The status by the HTTP rules: 5xx, 408, 425, 429 retryable (with Retry-After), anything else permanent. */
  httpError: RetryableError | PermanentError;
}

export interface JsonAnswer<Answer> {
  answer: Answer;
  status: number;
  headers: AxiosResponse['headers'];
}

/** A body that is there but is not JSON. */
const NOT_JSON = Symbol('not JSON');

export async function requestJson<Answer>(http: AxiosInstance, request: JsonRequest<Answer>): Promise<JsonAnswer<Answer>> {
  const host = hostOf(request.url);
  const { data, contentType } = payloadOf(request.body);
  const method = request.method ?? (request.body === undefined ? 'GET' : 'POST');
  const headers = { accept: 'application/json', ...(contentType ? { 'content-type': contentType } : {}), ...request.headers };
  const response = await requestText(http, { method, url: withQuery(request.url, request.params), headers, body: data, signal: request.signal, timeoutMs: request.timeoutMs });
  const status = response.status;
  const answered = response.headers;
  const body = jsonOf(response.body);
  if (status < 200 || status > 299) {
    const retryAfterMs = parseRetryAfter(answered['retry-after']);
    const failure = { status, body: body === NOT_JSON ? undefined : body, retryAfterMs, host, httpError: httpStatusError(status, host, answered['retry-after']) };
    if (!request.errorAnswer) throw failure.httpError;
    return { answer: request.errorAnswer(failure), status, headers: answered };
  }
  if (body === NOT_JSON) throw malformed(host, 'it is not JSON');
  const parsed = v.safeParse(request.answer, body);
  if (!parsed.success) throw malformed(host, issueText(parsed.issues[0]));
  return { answer: parsed.output, status, headers: answered };
}

/** The URL with `params` added to its query, as axios adds plain ones. */
function withQuery(url: string, params: JsonRequest<unknown>['params']): string {
  const entries = Object.entries(params ?? {}).filter((entry): entry is [string, string | number | boolean] => entry[1] !== undefined && entry[1] !== null);
  if (entries.length === 0) return url;
  const withParams = new URL(url);
  for (const [name, value] of entries) withParams.searchParams.append(name, String(value));
  return withParams.href;
}

function payloadOf(body: unknown): { data: string | undefined; contentType: string | undefined } {
  if (body === undefined) return { data: undefined, contentType: undefined };
  if (body instanceof URLSearchParams) return { data: body.toString(), contentType: 'application/x-www-form-urlencoded' };
  return { data: JSON.stringify(body), contentType: 'application/json' };
}

function jsonOf(data: string): unknown {
  if (data.trim() === '') return undefined;
  try {
    return JSON.parse(data) as unknown;
  } catch {
    return NOT_JSON;
  }
}

function malformed(host: string, why: string): RetryableError {
  return new RetryableError(`the answer from ${host} is not what was expected: ${why}`, { code: 'MALFORMED_ANSWER' });
}

/** Names the field and what was expected there, never the value that came (it may be personal data). */
function issueText(issue: v.BaseIssue<unknown>): string {
  const path = v.getDotPath(issue);
  const field = path ? `field ${path}` : 'the answer';
  if (issue.received === 'undefined') return `${field} is missing`;
  return issue.expected ? `${field} is not ${issue.expected}` : `${field} is not valid (${issue.type})`;
}
