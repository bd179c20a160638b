import { createHash, randomFillSync } from 'node:crypto';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** Random bytes drawn from a pool refilled 410 ids at a time: one system call per id cost more than the rest of it. */
const pool = Buffer.alloc(4096);
let poolOffset = pool.length;

function randomBytes(count: number): Buffer {
  if (poolOffset + count > pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  poolOffset += count;
  return pool.subarray(poolOffset - count, poolOffset);
}

/** A ULID: 48 bits of milliseconds and 80 random bits in Crockford base32, so ids sort by creation time. */
export function ulid(now = Date.now()): string {
  let time = '';
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = CROCKFORD[t % 32] + time;
    t = Math.floor(t / 32);
  }
  const bytes = randomBytes(10);
  let random = '';
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      random += CROCKFORD[(value >> bits) & 31];
    }
  }
  return time + random;
}

export const newMessageId = (now?: number) => `msg_${ulid(now)}`;

/**
 * The same id for the same seed, shaped like a message id: a sync request repeated with its Idempotency-Key
 * reaches the provider under the id of the first, so a provider that spots duplicates (a bank's requestId) answers
 * the first payment instead of making a second one.
 */
export function derivedMessageId(seed: string): string {
  const digest = createHash('sha256').update(seed).digest();
  let id = '';
  for (let i = 0; i < 26; i++) {
    const bit = i * 5;
    const byte = bit >> 3;
    const pair = ((digest[byte] ?? 0) << 8) | (digest[byte + 1] ?? 0);
    id += CROCKFORD[(pair >> (11 - (bit & 7))) & 31];
  }
  return `msg_${id}`;
}
