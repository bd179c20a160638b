import { type KeyObject, createHmac, createSecretKey } from 'node:crypto';

/**
 * Each subscription's key, decoded and imported once: handing createHmac the raw bytes imports them anew on every
 * delivery. Subscriptions are few; past this many the oldest is forgotten (and imported again when next used).
 */
const keys = new Map<string, KeyObject>();
const MAX_KEYS = 64;

function keyOf(secret: string): KeyObject {
  let key = keys.get(secret);
  if (!key) {
    key = createSecretKey(Buffer.from(secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret, 'base64'));
    if (keys.size >= MAX_KEYS) keys.delete(keys.keys().next().value as string);
    keys.set(secret, key);
  }
  return key;
}

/**
 * The Standard Webhooks signature (`v1,` then base64 HMAC-SHA256 of `id.timestamp.body`) with node:crypto: the
 * reference library's pure-JS SHA-256 cost several times as much per delivery. `secret` is `whsec_` then base64,
 * checked when the config is loaded.
 */
export function standardWebhookSignature(secret: string, messageId: string, seconds: number, body: string): string {
  return `v1,${createHmac('sha256', keyOf(secret)).update(`${messageId}.${seconds}.${body}`).digest('base64')}`;
}
