import type { Clock } from '../delivery/clock.ts';
import { ProblemError } from './problem.ts';
import { KeyBuckets, type KeyRateLimit } from './rate-limit.ts';

/**
 * Requests refused for their API key (missing, malformed, unknown or revoked), counted per client address: past its
 * budget an address is answered 429 with Retry-After instead of 401, so a client retrying a wrong key, or a flood of
 * made-up keys, is told to wait. The count is bounded (KeyBuckets: at most `maxAddresses`, full buckets forgotten).
 * A request with a valid key is never refused here, whatever its address sent before: behind a proxy, every client
 * has the proxy's address.
 */
export class UnknownKeyLimit {
  readonly #buckets: KeyBuckets;

  constructor(
    private readonly limit: KeyRateLimit,
    private readonly clock: Clock,
    maxAddresses = 10_000,
  ) {
    this.#buckets = new KeyBuckets(limit, maxAddresses);
  }

  /** What to answer a request refused for its key: `unauthorized` (401), or 429 once its address is over its budget. */
  refusal(address: string | undefined, unauthorized: ProblemError): ProblemError {
    // No address (an in-process request): nothing to count by.
    if (address === undefined) return unauthorized;
    const waitMs = this.#buckets.take(address, this.clock.now());
    if (waitMs === 0) return unauthorized;
    const seconds = Math.max(1, Math.ceil(waitMs / 1000));
    return new ProblemError({
      status: 429,
      title: 'Too many requests',
      kind: 'too-many-requests',
      detail: `this address sent more than ${this.limit.requestsPerSecond} requests per second without a valid API key: check the key, then retry after ${seconds} s`,
      headers: { 'retry-after': String(seconds) },
    });
  }

  /** Client addresses counted now. */
  get addresses(): number {
    return this.#buckets.size;
  }
}
