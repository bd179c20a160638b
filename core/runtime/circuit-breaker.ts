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

/** What `started` hands the attempt that became the probe: only that attempt's outcome ends the probe. */
export interface Probe {
  readonly startedAt: number;
}

/**
 * One per plugin instance. After `threshold` consecutive retryable failures it opens: no attempts are spent while
 * it is open (messages wait, they do not die). After the cooldown a single probe may go; its success closes the
 * circuit, its failure opens it again. While the circuit is not closed, a failure or an undecided end of an
 * attempt begun before it opened changes nothing: only the probe decides (any success still closes it).
 *
 * `onChange` hears each change once: 'open' when it opens (again), 'half-open' when the first probe after a
 * cooldown starts (the cooldown itself ends silently, by the clock), 'closed' when it closes.
 */
export class CircuitBreaker {
  #failures = 0;
  #openedAt: number | undefined;
  #probe: Probe | undefined;
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
    return state === 'half-open' && !this.#probe ? 1 : 0;
  }

  /** Call when an attempt starts: in the half-open state it is the probe, and gets the probe to settle with. */
  started(now: number): Probe | undefined {
    if (this.state(now) !== 'half-open' || this.#probe) return undefined;
    this.#probe = { startedAt: now };
    this.#tell('half-open', false);
    return this.#probe;
  }

  succeeded(): void {
    this.#failures = 0;
    this.#openedAt = undefined;
    this.#probe = undefined;
    this.#tell('closed', false);
  }

  /** A retryable failure of the provider; `probe` is what `started` gave the attempt. */
  failed(now: number, probe?: Probe): void {
    const isProbe = probe !== undefined && probe === this.#probe;
    // An attempt begun before the circuit opened tells nothing new while it is open or probing.
    if (this.#openedAt !== undefined && !isProbe) return;
    this.#failures += 1;
    if (isProbe) this.#probe = undefined;
    if (isProbe || this.#failures >= this.threshold) {
      this.#openedAt = now;
      this.#tell('open', isProbe);
    }
  }

  /** An attempt that ended without telling success or failure (e.g. a permanent refusal): if it was the probe, the next may go. */
  settled(probe?: Probe): void {
    if (probe !== undefined && probe === this.#probe) this.#probe = undefined;
  }

  #tell(to: CircuitState, afterProbe: boolean): void {
    if (this.#told === to) return;
    this.#told = to;
    this.onChange?.({ to, failures: to === 'open' ? this.#failures : 0, afterProbe, cooldownMs: this.cooldownMs });
  }
}
