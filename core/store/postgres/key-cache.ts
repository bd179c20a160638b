/**
 * API keys by hash, kept in memory while this process listens for key changes (migration 004 notifies every process
 * when a key is written). Every request looks its key up; read from the database, the look-up was a query per turn
 * of the event loop, which a process under light load pays for nearly every request (measured: about a tenth of the
 * CPU per accept with three processes sharing 1,500 accepts a second).
 *
 * A revocation by another process is heard within milliseconds, when its transaction commits; by this process's
 * own store at once (it forgets the keys itself). While the listening connection is down nothing is kept, and a
 * key is kept at most KEPT_MS, in case that connection stopped hearing without ending. Unknown hashes are never
 * kept: a stranger's guesses must not fill the memory.
 */
import type { CoalescedLookup } from '../coalesced-lookup.ts';
import type { ApiKeyRecord } from '../types.ts';

export const KEPT_MS = 5_000;

export interface KeyCacheOptions {
  /** How long a key is kept at most. Default KEPT_MS. */
  keptMs?: number | undefined;
  now?: () => number;
}

export class ListenedKeyCache {
  readonly #keys = new Map<string, { key: ApiKeyRecord; until: number }>();
  #listening = false;
  /** Counts the times the keys were forgotten: a read that began before one is not kept. */
  #forgotten = 0;

  readonly #keptMs: number;
  readonly #now: () => number;

  constructor(
    private readonly lookups: CoalescedLookup<string, ApiKeyRecord>,
    options: KeyCacheOptions = {},
  ) {
    this.#keptMs = options.keptMs ?? KEPT_MS;
    this.#now = options.now ?? Date.now;
  }

  async keyByHash(hash: string): Promise<ApiKeyRecord | undefined> {
    const kept = this.#keys.get(hash);
    if (kept && kept.until > this.#now()) return kept.key;
    const forgotten = this.#forgotten;
    const key = await this.lookups.load(hash);
    if (key && this.#listening && forgotten === this.#forgotten) this.#keys.set(hash, { key, until: this.#now() + this.#keptMs });
    return key;
  }

  /** A key was written, here or by another process: read them afresh. */
  forget(): void {
    this.#keys.clear();
    this.#forgotten += 1;
  }

  /** Whether key changes are heard now; what was kept is forgotten either way (changes may have gone unheard). */
  listening(on: boolean): void {
    this.#listening = on;
    this.forget();
  }
}
