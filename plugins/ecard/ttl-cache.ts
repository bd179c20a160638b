/**
 * A small in-memory cache per instance: an entry is fresh for `ttlMs`, and kept `staleMs` longer for the
 * stale-while-error answer. The oldest entry goes first when `maxEntries` is reached. With both times 0 it holds
 * nothing at all.
 */
export interface TtlCacheOptions {
  ttlMs: number;
  staleMs: number;
  maxEntries: number;
  now?: () => number;
}

export class TtlCache<V> {
  readonly #entries = new Map<string, { value: V; storedAt: number }>();
  readonly #now: () => number;

  constructor(private readonly options: TtlCacheOptions) {
    this.#now = options.now ?? Date.now;
  }

  get enabled(): boolean {
    return this.options.ttlMs > 0 || this.options.staleMs > 0;
  }

  /** The value while younger than the TTL. */
  fresh(key: string): V | undefined {
    return this.#younger(key, this.options.ttlMs);
  }

  /** The value while younger than TTL + stale window: only for when the provider cannot answer. */
  stale(key: string): V | undefined {
    return this.#younger(key, this.options.ttlMs + this.options.staleMs);
  }

  set(key: string, value: V): void {
    if (!this.enabled) return;
    this.#entries.delete(key);
    this.#entries.set(key, { value, storedAt: this.#now() });
    while (this.#entries.size > this.options.maxEntries) {
      const oldest = this.#entries.keys().next();
      if (oldest.done) break;
      this.#entries.delete(oldest.value);
    }
  }

  delete(key: string): void {
    this.#entries.delete(key);
  }

  #younger(key: string, maxAgeMs: number): V | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    const age = this.#now() - entry.storedAt;
    if (age < maxAgeMs) return entry.value;
    if (age >= this.options.ttlMs + this.options.staleMs) this.#entries.delete(key);
    return undefined;
  }
}
