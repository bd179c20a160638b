import type { Connection } from './connection.ts';

/** A unit of writes that must land together. It runs inside the batch's transaction, in its own savepoint. */
export type WriteJob<T> = (db: Connection) => Promise<T>;

/** Writes that can go as one statement for a whole batch (new messages): `flushBulk` answers one result each. */
export interface BulkWriter<Item, Result> {
  flushBulk(db: Connection, items: Item[]): Promise<Result[]>;
}

interface Pending<T> {
  resolve(value: T): void;
  reject(error: unknown): void;
}

/**
 * Group commit: writes that arrive while a commit is on its way to disk wait and go together in the next
 * transaction, so durability costs one fsync per batch, not per request. Every caller is answered only after
 * the COMMIT that holds its write returned; if the COMMIT fails, every caller in the batch gets the error.
 */
export class GroupCommit<Item, Result> {
  #jobs: Array<Pending<unknown> & { job: WriteJob<unknown> }> = [];
  #items: Array<Pending<Result> & { item: Item }> = [];
  #scheduled = false;
  #idle: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Connection,
    private readonly bulk: BulkWriter<Item, Result>,
    private readonly maxBatch = 1000,
  ) {}

  /** Runs `job` in the next transaction; resolves with its result once committed. */
  write<T>(job: WriteJob<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#jobs.push({ job, resolve: resolve as (value: unknown) => void, reject });
      this.#schedule();
    });
  }

  /** Adds `item` to the next batch's bulk write; resolves with its result once committed. */
  add(item: Item): Promise<Result> {
    return new Promise<Result>((resolve, reject) => {
      this.#items.push({ item, resolve, reject });
      this.#schedule();
    });
  }

  /** Resolves when everything queued so far has been committed (or failed). */
  async drain(): Promise<void> {
    while (this.#scheduled || this.#jobs.length > 0 || this.#items.length > 0) await this.#idle;
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    // Wait one turn of the event loop so that requests parsed in the same turn share the commit.
    this.#idle = new Promise<void>((done) => setImmediate(() => this.#flushAll().finally(done)));
  }

  async #flushAll(): Promise<void> {
    while (this.#jobs.length > 0 || this.#items.length > 0) {
      const items = this.#items.splice(0, this.maxBatch);
      const jobs = this.#jobs.splice(0, this.maxBatch);
      await this.#flush(items, jobs);
    }
    this.#scheduled = false;
  }

  async #flush(items: Array<Pending<Result> & { item: Item }>, jobs: Array<Pending<unknown> & { job: WriteJob<unknown> }>) {
    const settle: Array<() => void> = [];
    try {
      await this.db.exec('BEGIN IMMEDIATE');
      if (items.length > 0) await this.#writeItems(items, settle);
      for (const pending of jobs) {
        const outcome = await this.#inSavepoint(() => pending.job(this.db));
        settle.push(outcome.ok ? () => pending.resolve(outcome.value) : () => pending.reject(outcome.error));
      }
      await this.db.exec('COMMIT');
    } catch (error) {
      await this.db.exec('ROLLBACK').catch(() => undefined);
      for (const pending of [...items, ...jobs]) pending.reject(error);
      return;
    }
    for (const answer of settle) answer();
  }

  /** One bulk write for the batch; if it fails, item by item, so that one bad item does not fail its neighbours. */
  async #writeItems(items: Array<Pending<Result> & { item: Item }>, settle: Array<() => void>): Promise<void> {
    const results = await this.#inSavepoint(() => this.bulk.flushBulk(this.db, items.map((pending) => pending.item)));
    if (results.ok) {
      items.forEach((pending, i) => settle.push(() => pending.resolve(results.value[i] as Result)));
      return;
    }
    if (items.length === 1) {
      settle.push(() => items[0]?.reject(results.error));
      return;
    }
    for (const pending of items) {
      const single = await this.#inSavepoint(() => this.bulk.flushBulk(this.db, [pending.item]));
      settle.push(single.ok ? () => pending.resolve(single.value[0] as Result) : () => pending.reject(single.error));
    }
  }

  async #inSavepoint<T>(work: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
    await this.db.exec('SAVEPOINT job');
    try {
      const value = await work();
      await this.db.exec('RELEASE job');
      return { ok: true, value };
    } catch (error) {
      await this.db.exec('ROLLBACK TO job; RELEASE job');
      return { ok: false, error };
    }
  }
}
