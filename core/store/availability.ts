import type { StoreUnavailableError } from './unavailable.ts';

export type AvailabilityListener = (outage: StoreUnavailableError | undefined) => void;

/** How often a store that cannot write tries again by itself. */
export const DEFAULT_PROBE_INTERVAL_MS = 2000;

/**
 * Whether a store can write. A write refused for a reason outside the gateway (`failed`) starts an outage; only a
 * probe that writes for real ends it, so a read or an empty commit (which need no disk space) never calls a full
 * disk writable. Listeners hear each change once: the outage starting, then its end.
 */
export class StoreAvailability {
  #outage: StoreUnavailableError | undefined;
  readonly #listeners = new Set<AvailabilityListener>();
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  /** `probe` writes for real, and throws (a StoreUnavailableError, with the latest reason) while it cannot. */
  constructor(
    private readonly probe: () => Promise<void>,
    private readonly intervalMs = DEFAULT_PROBE_INTERVAL_MS,
  ) {}

  /** Why the store cannot write now, or undefined when it can. */
  get outage(): StoreUnavailableError | undefined {
    return this.#outage;
  }

  /** A write was refused: the store is unavailable until a probe succeeds. The latest reason is kept. */
  failed(error: StoreUnavailableError): void {
    const began = this.#outage === undefined;
    this.#outage = error;
    if (!began) return;
    this.#emit(error);
    this.#scheduleProbe();
  }

  /** Calls `listener` at each change; returns how to stop. */
  onChange(listener: AvailabilityListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
  }

  #scheduleProbe(): void {
    if (this.#closed) return;
    this.#timer = setTimeout(() => void this.#runProbe(), this.intervalMs);
    // A process that is stopping must not be kept alive by a probe.
    this.#timer.unref();
  }

  async #runProbe(): Promise<void> {
    try {
      await this.probe();
    } catch {
      // The outage goes on; the probe's own refusal updated its reason (through `failed`).
      this.#scheduleProbe();
      return;
    }
    if (this.#closed || this.#outage === undefined) return;
    this.#outage = undefined;
    this.#emit(undefined);
  }

  #emit(outage: StoreUnavailableError | undefined): void {
    for (const listener of this.#listeners) listener(outage);
  }
}
