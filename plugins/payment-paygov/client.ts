/**
 * Posts one signed message to the platform and reads its answer. Two answer forms are known from integrations:
 * the message's own fields (`{ "MaLoi": "00", … }`), and the portal's adapter envelope
 * (`{ "error_code": "0", "message": "<the answer as JSON text>" }`); both are read here, so the rest of the
 * plugin sees one flat answer. HTTP statuses and failures with no answer are classified by the SDK's requestJson;
 * an answer in neither form is retryable MALFORMED_ANSWER.
 */
import type { AxiosInstance } from 'axios';
import * as v from 'valibot';
import { PermanentError, RetryableError, hostOf, maskedExcerpt, requestJson } from '../../core/sdk/index.ts';
import type { PaygovConfig } from './config.ts';
import { parseJson } from './parse.ts';

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
/** Either form; the flat one first, as a message's own fields say more than an envelope's. */
const platformAnswer = v.union([flatAnswer, envelope]);

export type PlatformAnswer = Record<string, unknown> & { MaLoi: string; MoTaLoi?: string | null | undefined };

/** Posts `message` to `path` under the instance's endpoint. */
export async function postMessage(config: PaygovConfig, path: string, via: Transport, message: Record<string, string>): Promise<PlatformAnswer> {
  const accessToken = config.accessToken?.reveal();
  const { answer } = await requestJson(via.http, {
    url: new URL(path, config.endpoint).toString(),
    body: message,
    headers: accessToken ? { authorization: `Bearer ${accessToken}` } : {},
    answer: platformAnswer,
    signal: via.signal,
    timeoutMs: config.timeoutMs,
  });
  return unwrapped(answer, config.endpoint);
}

/** The message's own fields, from inside the adapter envelope when the answer came in one. */
function unwrapped(answer: v.InferOutput<typeof platformAnswer>, endpoint: string): PlatformAnswer {
  if ('MaLoi' in answer) return answer;
  const { error_code: code, message } = answer;
  if (code !== '0' && code !== '00') {
    const said = typeof message === 'string' && message ? `: ${maskedExcerpt(message)}` : '';
    // The envelope's codes are not the platform's own; nothing says a retry cannot help.
    throw new RetryableError(`the payment platform at ${hostOf(endpoint)} answered error_code ${maskedExcerpt(code)}${said}`, { code: `ERROR_CODE_${maskedExcerpt(code)}` });
  }
  const inner = v.safeParse(flatAnswer, typeof message === 'string' ? parseJson(message) : message);
  if (!inner.success) throw malformedAnswer(endpoint);
  return inner.output;
}

export function malformedAnswer(endpoint: string): RetryableError {
  return new RetryableError(`the answer from ${hostOf(endpoint)} is not a payment platform message`, { code: 'MALFORMED_ANSWER' });
}

/** An answer that names another transaction than the one asked about: something is badly wrong on the way. */
export function mismatchedAnswer(endpoint: string, reference: string): PermanentError {
  return new PermanentError(`the payment platform at ${hostOf(endpoint)} answered about another transaction than ${reference}`, { code: 'MISMATCHED_ANSWER' });
}
