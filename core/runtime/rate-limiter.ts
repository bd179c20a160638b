/** A token bucket: `ratePerSecond` attempts per second on average, bursts of up to one second's worth. */
export class RateLimiter {
  #tokens: number;
  #updatedAt: number | undefined;

  constructor(private readonly ratePerSecond: number) {
    this.#tokens = Math.max(1, ratePerSecond);
  }

  /** Whole tokens available now (infinite when there is no limit). */
  available(now: number): number {
    if (this.ratePerSecond <= 0) return Number.POSITIVE_INFINITY;
    this.#refill(now);
    return Math.floor(this.#tokens);
  }

  take(count: number, now: number): void {
    if (this.ratePerSecond <= 0) return;
    this.#refill(now);
    this.#tokens -= count;
  }

  #refill(now: number): void {
    if (this.#updatedAt !== undefined) {
      const capacity = Math.max(1, this.ratePerSecond);
      // A wall clock stepped back (NTP) adds nothing, rather than draining the bucket below zero.
      const elapsedMs = Math.max(0, now - this.#updatedAt);
      this.#tokens = Math.min(capacity, this.#tokens + (elapsedMs / 1000) * this.ratePerSecond);
    }
    this.#updatedAt = now;
  }
}
