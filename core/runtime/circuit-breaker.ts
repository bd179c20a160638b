export type CircuitState = 'closed' | 'open' | 'half-open';

/** A change of a breaker's state, told once per change. */
export interface CircuitChange {
  to: CircuitState;
  /** Consecutive provider failures counted when it opened (0 otherwise). */
  failures: number;
  /** Whether a probe's failure opened it again (to 'open'). */
  afterProbe: boolean;
  cooldownMs: number;
}

/**
 * One per plugin instance. After `threshold` consecutive retryable failures it opens: no attempts are spent while
 * it is open (messages wait, they do not die). After the cooldown a single probe may go; its success closes the
 * circuit, its failure opens it again.
 *
 * `onChange` hears each change once: 'open' when it opens (again), 'half-open' when the first probe after a
 * cooldown starts (the cooldown itself ends silently, by the clock), 'closed' when it closes.
 */
export class CircuitBreaker {
  #failures = 0;
  #openedAt: number | undefined;
  #probing = false;
  /** The state last told to `onChange`. */
  #told: CircuitState = 'closed';

  constructor(
    private readonly threshold: number,
    private readonly cooldownMs: number,
    private readonly onChange?: (change: CircuitChange) => void,
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
    if (this.state(now) !== 'half-open') return;
    this.#probing = true;
    this.#tell('half-open', false);
  }

  succeeded(): void {
    this.#failures = 0;
    this.#openedAt = undefined;
    this.#probing = false;
    this.#tell('closed', false);
  }

  failed(now: number): void {
    this.#failures += 1;
    const probe = this.#probing;
    this.#probing = false;
    if (probe || this.#failures >= this.threshold) {
      this.#openedAt = now;
      this.#tell('open', probe);
    }
  }

  /** A probe that ended without telling success or failure (e.g. a permanent refusal) lets the next one go. */
  settled(): void {
    this.#probing = false;
  }

  #tell(to: CircuitState, afterProbe: boolean): void {
    if (this.#told === to) return;
    this.#told = to;
    this.onChange?.({ to, failures: to === 'open' ? this.#failures : 0, afterProbe, cooldownMs: this.cooldownMs });
  }
}
