export type CircuitState = 'closed' | 'open' | 'half-open';

/**
 * One per plugin instance. After `threshold` consecutive retryable failures it opens: no attempts are spent while
 * it is open (messages wait, they do not die). After the cooldown a single probe may go; its success closes the
 * circuit, its failure opens it again.
 */
export class CircuitBreaker {
  #failures = 0;
  #openedAt: number | undefined;
  #probing = false;

  constructor(
    private readonly threshold: number,
    private readonly cooldownMs: number,
  ) {}

  state(now: number): CircuitState {
    if (this.#openedAt === undefined) return 'closed';
    return now - this.#openedAt >= this.cooldownMs ? 'half-open' : 'open';
  }

  /** How many attempts may start now: unlimited when closed, one probe when half-open, none when open. */
  allowance(now: number): number {
    const state = this.state(now);
    if (state === 'closed') return Number.POSITIVE_INFINITY;
    return state === 'half-open' && !this.#probing ? 1 : 0;
  }

  /** Call when an attempt starts: in the half-open state it is the probe. */
  started(now: number): void {
    if (this.state(now) === 'half-open') this.#probing = true;
  }

  succeeded(): void {
    this.#failures = 0;
    this.#openedAt = undefined;
    this.#probing = false;
  }

  failed(now: number): void {
    this.#failures += 1;
    if (this.#probing || this.#failures >= this.threshold) this.#openedAt = now;
    this.#probing = false;
  }

  /** A probe that ended without telling success or failure (e.g. a permanent refusal) lets the next one go. */
  settled(): void {
    this.#probing = false;
  }
}
