import { createHmac } from 'node:crypto';

/** What the key id is the HMAC of: not hex, so it can never be the start of an entry's HMAC message (a prevHash). */
const KEY_ID_MESSAGE = 'lienthong audit key id';

/**
 * The identity of an audit key, safe to store, print and log: the first 16 hex digits (64 bits) of
 * HMAC-SHA256(key, "lienthong audit key id"). An HMAC under a secret key tells nothing of the key, and since every
 * entry's HMAC message starts with the 64 hex digits of a prevHash, a key id is never an entry's hash either.
 */
export function auditKeyId(key: Buffer): string {
  return createHmac('sha256', key).update(KEY_ID_MESSAGE).digest('hex').slice(0, 16);
}
