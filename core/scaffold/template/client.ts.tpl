import { createHash } from 'node:crypto';
import * as v from 'valibot';
import { RetryableError, requestJson, type OperationContext } from '../../core/sdk/index.ts';
import { answerError, isDone } from './answer-codes.ts';
import type { __NAME__Config } from './config.ts';

type Context = OperationContext<__NAME__Config>;

/** Every answer: `{ code, message?, data? }`, on success and on refusal alike. */
const envelope = <Data>(data: v.GenericSchema<unknown, Data>) => v.object({ code: v.string(), message: v.optional(v.string()), data: v.optional(data) });
const refusal = v.object({ code: v.string(), message: v.optional(v.string()) });

/**
 * `POST {endpoint}/v1/{operation}` with the request as JSON; answers the `data` of a success, checked with `output`.
 * The message id goes as `X-Request-Id`, stable across retries, so that the provider can tell a repeat.
 */
export async function call<Output>(ctx: Context, operation: string, input: unknown, output: v.GenericSchema<unknown, Output>): Promise<Output> {
  const { answer } = await requestJson(ctx.http, {
    url: `${ctx.config.endpoint}/v1/${operation}`,
    headers: { authorization: `Bearer ${ctx.config.apiKey.reveal()}`, 'x-request-id': ctx.messageId },
    body: input,
    answer: envelope(output),
    signal: ctx.signal,
    timeoutMs: ctx.config.timeoutMs,
    // An error status with the provider's own code says more than the status.
    errorAnswer(failure) {
      const said = v.safeParse(refusal, failure.body);
      if (said.success && !isDone(said.output.code)) throw answerError(said.output.code, said.output.message);
      throw failure.httpError;
    },
  });
  if (!isDone(answer.code)) throw answerError(answer.code, answer.message);
  if (answer.data === undefined) throw new RetryableError(`__ID__ answered ${operation} with success but no data`, { code: 'NO_DATA' });
  return answer.data;
}

const file = v.object({ contentType: v.string(), filename: v.optional(v.string()), base64: v.string() });

/** A file the provider sends base64-encoded: its bytes, with their SHA-256 for the caller to check. */
export async function callFile(ctx: Context, operation: string, input: unknown) {
  const answer = await call(ctx, operation, input, file);
  const body = new Uint8Array(Buffer.from(answer.base64, 'base64'));
  return { contentType: answer.contentType, filename: answer.filename, sha256: createHash('sha256').update(body).digest('hex'), body };
}
