import type * as v from 'valibot';
import type { webhookDeliverInput, webhookDeliverOutput } from '../capabilities/webhook.ts';
import { PermanentError, hostOf, type OperationContext } from '../sdk/index.ts';
import type { WebhookConfig } from './config.ts';
import { standardWebhookSignature } from './signature.ts';

type DeliverInput = v.InferOutput<typeof webhookDeliverInput>;
type DeliverOutput = v.InferOutput<typeof webhookDeliverOutput>;

/** The Standard Webhooks headers for one attempt: the id is the message id, so a receiver can de-duplicate retries. */
export function signedHeaders(secret: string, messageId: string, body: string, now: Date = new Date()) {
  // Sign the whole second we send, so the header and the signed timestamp cannot differ.
  const seconds = Math.floor(now.getTime() / 1000);
  const signature = standardWebhookSignature(secret, messageId, seconds, body);
  return {
    'content-type': 'application/json',
    'webhook-id': messageId,
    'webhook-timestamp': String(seconds),
    'webhook-signature': signature,
  };
}

/**
 * Delivers one event: POSTs it, signed, to the subscription. Status mapping, besides the client's (no answer, timeout, 5xx, 408, 425,
 * 429 retryable; other statuses permanent): 410 Gone means the subscriber removed the endpoint.
 * Errors and logs name the host and status only: the body may hold personal data and the secret is never shown.
 */
export async function run(input: DeliverInput, ctx: OperationContext<WebhookConfig>): Promise<DeliverOutput> {
  const body = JSON.stringify(input.event);
  const response = await ctx.http.post<unknown>(ctx.config.url, body, {
    headers: signedHeaders(ctx.config.secret.reveal(), ctx.messageId, body),
    // The receiver checks the signature over the raw bytes: send the signed string untouched.
    transformRequest: [(data: unknown) => data],
    // Only the status matters; a receiver's body is never parsed.
    responseType: 'text',
    validateStatus: (status) => (status >= 200 && status < 300) || status === 410,
    signal: ctx.signal,
    ...(ctx.config.timeoutMs === undefined ? {} : { timeout: ctx.config.timeoutMs }),
  });
  if (response.status === 410) {
    throw new PermanentError(`webhook endpoint at ${hostOf(ctx.config.url, { unknown: 'subscriber' })} is gone (HTTP 410)`, { code: 'HTTP_410' });
  }
  ctx.log.debug({ status: response.status, attempt: ctx.attempt }, 'webhook delivered');
  return { status: response.status };
}
