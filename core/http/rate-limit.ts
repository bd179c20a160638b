import { createMiddleware } from 'hono/factory';
import type { Clock } from '../delivery/clock.ts';
import type { AppEnv } from './env.ts';
import { ProblemError } from './problem.ts';

export interface KeyRateLimit {
  /** Sustained requests per second for one API key; 0 turns the limit off. */
  requestsPerSecond: number;
  /** Requests one key may send at once, above the sustained rate; at least 1. */
  burst: number;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/**
 * One token bucket per API key id: `burst` tokens, refilled at `requestsPerSecond`, one token per request. Held in
 * memory, in each process: behind a load balancer, several gateway processes each enforce their own share, so a key
 * may send up to N times the limit across N processes.
 */
export class KeyBuckets {
  readonly #buckets = new Map<string, Bucket>();

  constructor(
    private readonly limit: KeyRateLimit,
    /** Most keys tracked at once; above it, keys idle long enough to have a full bucket are forgotten. Default 10 000. */
    private readonly maxKeys = 10_000,
  ) {}

  /** Takes a token for `keyId`: 0 when the request may go on, otherwise the milliseconds until a token is back. */
  take(keyId: string, now: number): number {
    const { requestsPerSecond, burst } = this.limit;
    if (requestsPerSecond <= 0) return 0;
    let bucket = this.#buckets.get(keyId);
    if (!bucket) {
      if (this.#buckets.size >= this.maxKeys) this.#forgetIdle(now);
      bucket = { tokens: burst, updatedAt: now };
      this.#buckets.set(keyId, bucket);
    }
    // A wall clock stepped back (NTP) adds nothing, rather than draining the bucket.
    const elapsedMs = Math.max(0, now - bucket.updatedAt);
    bucket.tokens = Math.min(burst, bucket.tokens + (elapsedMs * requestsPerSecond) / 1000);
    bucket.updatedAt = now;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - bucket.tokens) * 1000) / requestsPerSecond);
  }

  get size(): number {
    return this.#buckets.size;
  }

  #forgetIdle(now: number): void {
    const { requestsPerSecond, burst } = this.limit;
    for (const [keyId, bucket] of this.#buckets) {
      if (bucket.tokens + ((now - bucket.updatedAt) * requestsPerSecond) / 1000 >= burst) this.#buckets.delete(keyId);
    }
    // Every key busy: drop the oldest, which at worst lets it start again with a full burst.
    const oldest = this.#buckets.keys().next();
    if (this.#buckets.size >= this.maxKeys && !oldest.done) this.#buckets.delete(oldest.value);
  }
}

/**
 * Per-key rate limit, mounted after authentication: over its limit a key gets 429 problem+json with Retry-After
 * (whole seconds, at least 1). One middleware serves both /v1 and /admin/v1, so a key has one budget.
 */
export function keyRateLimit(limit: KeyRateLimit, clock: Clock) {
  const buckets = new KeyBuckets(limit);
  return createMiddleware<AppEnv>(async function keyRateLimit(c, next) {
    const waitMs = buckets.take(c.get('apiKey').id, clock.now());
    if (waitMs > 0) {
      throw new ProblemError({
        status: 429,
        title: 'Too many requests',
        kind: 'too-many-requests',
        detail: `this API key is over its limit of ${limit.requestsPerSecond} requests per second`,
        headers: { 'retry-after': String(Math.max(1, Math.ceil(waitMs / 1000))) },
      });
    }
    await next();
  });
}
