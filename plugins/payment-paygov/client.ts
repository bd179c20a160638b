/**
 * Posts one signed message to the platform and reads its answer. Two answer forms are known from integrations:
 * the message's own fields (`{ "MaLoi": "00", … }`), and the portal's adapter envelope
 * (`{ "error_code": "0", "message": "<the answer as JSON text>" }`); both are read here, so the rest of the
 * plugin sees one flat answer. HTTP failures arrive classified by the instance's client (core/outbound).
 */
import type { AxiosInstance } from 'axios';
import * as v from 'valibot';
import { PermanentError, RetryableError } from '../../core/sdk/index.ts';
import type { PaygovConfig } from './config.ts';
import { parseJson } from './parse.ts';
import { shorten } from './results.ts';

/** What a call goes through: the operation's and the task's contexts both have it. */
export interface Transport {
  http: AxiosInstance;
  signal: AbortSignal;
}

/** Values of an answer as text: the platform sends amounts and states as strings or as numbers. */
const text = v.pipe(
  v.union([v.string(), v.number()]),
  v.transform((value) => String(value)),
);

const flatAnswer = v.looseObject({ MaLoi: text, MoTaLoi: v.optional(v.nullable(v.string())) });
const envelope = v.object({ error_code: text, message: v.optional(v.nullable(v.union([v.string(), v.record(v.string(), v.unknown())]))) });

export type PlatformAnswer = Record<string, unknown> & { MaLoi: string; MoTaLoi?: string | null | undefined };

/** Posts `message` to `path` under the instance's endpoint. */
export async function postMessage(config: PaygovConfig, path: string, via: Transport, message: Record<string, string>): Promise<PlatformAnswer> {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  const accessToken = config.accessToken?.reveal();
  if (accessToken) headers.authorization = `Bearer ${accessToken}`;
  const response = await via.http.post<unknown>(new URL(path, config.endpoint).toString(), message, {
    headers,
    signal: via.signal,
    // The raw text: a non-JSON answer is then told apart from an empty one.
    responseType: 'text',
    transformResponse: [(data: unknown) => data],
    ...(config.timeoutMs === undefined ? {} : { timeout: config.timeoutMs }),
  });
  return readAnswer(response.data, config.endpoint);
}

function readAnswer(body: unknown, endpoint: string): PlatformAnswer {
  const parsed = typeof body === 'string' ? parseJson(body) : body;
  const flat = v.safeParse(flatAnswer, parsed);
  if (flat.success) return flat.output;
  const wrapped = v.safeParse(envelope, parsed);
  if (!wrapped.success) throw malformedAnswer(endpoint);
  const { error_code: code, message } = wrapped.output;
  if (code !== '0' && code !== '00') {
    const said = typeof message === 'string' && message ? `: ${shorten(message)}` : '';
    // The envelope's codes are not the platform's own; nothing says a retry cannot help.
    throw new RetryableError(`the payment platform at ${hostOf(endpoint)} answered error_code ${shorten(code)}${said}`, { code: `ERROR_CODE_${shorten(code)}` });
  }
  const inner = v.safeParse(flatAnswer, typeof message === 'string' ? parseJson(message) : message);
  if (!inner.success) throw malformedAnswer(endpoint);
  return inner.output;
}

function hostOf(endpoint: string): string {
  return new URL(endpoint).host;
}

export function malformedAnswer(endpoint: string): RetryableError {
  return new RetryableError(`the answer from ${hostOf(endpoint)} is not a payment platform message`, { code: 'MALFORMED_ANSWER' });
}

/** An answer that names another transaction than the one asked about: something is badly wrong on the way. */
export function mismatchedAnswer(endpoint: string, reference: string): PermanentError {
  return new PermanentError(`the payment platform at ${hostOf(endpoint)} answered about another transaction than ${reference}`, { code: 'MISMATCHED_ANSWER' });
}
