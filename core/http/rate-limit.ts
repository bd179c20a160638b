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

/** How often buckets idle long enough to be full again are forgotten, as requests come. */
const SWEEP_INTERVAL_MS = 60_000;

/**
 * One token bucket per key (an API key id, a client address): `burst` tokens, refilled at `requestsPerSecond`, one
 * token per request. Held in memory, in each process: behind a load balancer, several gateway processes each enforce
 * their own share, so a key may send up to N times the limit across N processes. A bucket full again holds nothing a
 * fresh one would not: it is forgotten at the next sweep, so the map shrinks back after a burst of new keys.
 */
export class KeyBuckets {
  readonly #buckets = new Map<string, Bucket>();
  #sweptAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly limit: KeyRateLimit,
    /** Most keys tracked at once; above it, keys idle long enough to have a full bucket are forgotten. Default 10 000. */
    private readonly maxKeys = 10_000,
  ) {}

  /** Takes a token for `keyId`: 0 when the request may go on, otherwise the milliseconds until a token is back. */
  take(keyId: string, now: number): number {
    const { requestsPerSecond, burst } = this.limit;
    if (requestsPerSecond <= 0) return 0;
    if (now - this.#sweptAt >= SWEEP_INTERVAL_MS) {
      this.#forgetFull(now);
      this.#sweptAt = now;
    }
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

  #forgetFull(now: number): void {
    const { requestsPerSecond, burst } = this.limit;
    for (const [keyId, bucket] of this.#buckets) {
      if (bucket.tokens + ((now - bucket.updatedAt) * requestsPerSecond) / 1000 >= burst) this.#buckets.delete(keyId);
    }
  }

  #forgetIdle(now: number): void {
    this.#forgetFull(now);
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
