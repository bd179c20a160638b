import { createHmac } from 'node:crypto';

/**
 * The Standard Webhooks signature (`v1,` then base64 HMAC-SHA256 of `id.timestamp.body`) with node:crypto: the
 * reference library's pure-JS SHA-256 cost several times as much per delivery. `secret` is `whsec_` then base64,
 * checked when the config is loaded.
 */
export function standardWebhookSignature(secret: string, messageId: string, seconds: number, body: string): string {
  const key = Buffer.from(secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret, 'base64');
  return `v1,${createHmac('sha256', key).update(`${messageId}.${seconds}.${body}`).digest('base64')}`;
}
