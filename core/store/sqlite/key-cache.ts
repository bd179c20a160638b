/**
 * API keys by hash, kept in memory for as long as no key has been written. Every request looks its key up; a read
 * through sqlite3's thread pool costs a hand-off to another thread and back (measured: about 450 µs of CPU and 0.3 ms
 * of latency per request at 200 requests a second, where the look-up itself takes a few µs).
 *
 * Whether a key was written is the count in `key_changes` (migration 017), which triggers move on in the transaction
 * that writes a key, by this process or any other (`lienthong keys revoke`). It is read synchronously on a read-only
 * better-sqlite3 connection (a few µs) once per turn of the event loop for all the requests of that turn; when it
 * moved, every kept key is forgotten. (`PRAGMA data_version`, used before, changes with every commit of any other
 * connection, this process's own accepts included, so under load the keys were forgotten at every turn.) A key not
 * kept is read through the thread pool, the requests of one turn together (reading it here, on the main thread,
 * measured 15% fewer accepts per second under load). The store forgets the keys itself when it writes one. Nothing
 * returned is older than the turn of the event loop that asked.
 */
import Database from 'better-sqlite3';
import { CoalescedLookup } from '../coalesced-lookup.ts';
import type { ApiKeyRecord } from '../types.ts';
import { classifyStoreError } from './unavailable-errors.ts';

export class KeyCache {
  readonly #db: Database.Database;
  readonly #keyChanges: Database.Statement<[], number>;
  readonly #keys = new Map<string, ApiKeyRecord>();
  #version: number | undefined;
  /** Counts the times the keys were forgotten: a read that began before one is not kept. */
  #forgotten = 0;
  /** Whether key_changes was read in this turn of the event loop. */
  #checked = false;

  private constructor(
    db: Database.Database,
    private readonly lookups: CoalescedLookup<string, ApiKeyRecord>,
    private readonly situation: { file: string; busyTimeoutMs: number },
  ) {
    this.#db = db;
    this.#keyChanges = db.prepare<[], number>('SELECT version FROM key_changes').pluck();
  }

  /** On a store file already migrated; `read` fetches keys by hash through the thread pool. */
  static open(file: string, busyTimeoutMs: number, read: (hashes: string[]) => Promise<Map<string, ApiKeyRecord>>): KeyCache {
    const situation = { file, busyTimeoutMs };
    try {
      const db = new Database(file, { readonly: true, fileMustExist: true, timeout: busyTimeoutMs });
      return new KeyCache(db, new CoalescedLookup(read), situation);
    } catch (error) {
      throw classifyStoreError(error, situation);
    }
  }

  async keyByHash(hash: string): Promise<ApiKeyRecord | undefined> {
    this.#checkKeyChanges();
    const kept = this.#keys.get(hash);
    if (kept) return kept;
    const forgotten = this.#forgotten;
    const key = await this.lookups.load(hash);
    // Unknown hashes are never kept: a stranger's guesses must not fill the memory.
    if (key && forgotten === this.#forgotten) this.#keys.set(hash, key);
    return key;
  }

  /** After a key was written through this process's own connection: read the keys afresh. */
  forget(version?: number): void {
    this.#keys.clear();
    this.#version = version;
    this.#forgotten += 1;
  }

  close(): void {
    this.#db.close();
  }

  #checkKeyChanges(): void {
    if (this.#checked) return;
    let version: number;
    try {
      version = this.#keyChanges.get() as number;
    } catch (error) {
      throw classifyStoreError(error, this.situation);
    }
    if (version !== this.#version) this.forget(version);
    this.#checked = true;
    setImmediate(() => (this.#checked = false));
  }
}
