import type * as v from 'valibot';
import type { webhookDeliverInput, webhookDeliverOutput } from '../capabilities/webhook.ts';
import { PermanentError, hostOf, type OperationContext } from '../sdk/index.ts';
import { directClientOf } from '../runtime/outbound/http-client.ts';
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
  const headers = signedHeaders(ctx.config.secret.reveal(), ctx.messageId, body);
  // The instance's own client: straight through its pool, without axios (same timeout, limits and errors).
  const direct = directClientOf(ctx.http);
  const response = direct
    ? await direct.call({ method: 'POST', url: ctx.config.url, headers: { ...headers, accept: AXIOS_ACCEPT }, body, signal: ctx.signal, timeoutMs: ctx.config.timeoutMs, accept: delivered })
    : await viaAxios(ctx, body, headers);
  if (response.status === 410) {
    throw new PermanentError(`webhook endpoint at ${hostOf(ctx.config.url, { unknown: 'subscriber' })} is gone (HTTP 410)`, { code: 'HTTP_410' });
  }
  ctx.log.debug({ status: response.status, attempt: ctx.attempt }, 'webhook delivered');
  return { status: response.status };
}

/** What the axios client sent as Accept, so that receivers see the very same request whichever way it goes. */
const AXIOS_ACCEPT = 'application/json, text/plain, */*';

/** A 2xx is delivered; 410 is an answer too, read as the endpoint gone. */
const delivered = (status: number) => (status >= 200 && status < 300) || status === 410;

/** A client the gateway did not make (a plugin test's own): through its axios interface. */
function viaAxios(ctx: OperationContext<WebhookConfig>, body: string, headers: Record<string, string>) {
  return ctx.http.post<unknown>(ctx.config.url, body, {
    headers,
    // The receiver checks the signature over the raw bytes: send the signed string untouched.
    transformRequest: [(data: unknown) => data],
    // Only the status matters; a receiver's body is never parsed.
    responseType: 'text',
    validateStatus: delivered,
    signal: ctx.signal,
    ...(ctx.config.timeoutMs === undefined ? {} : { timeout: ctx.config.timeoutMs }),
  });
}
