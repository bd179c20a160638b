import type { AuditInput } from '../../audit/chain.ts';
import { StoreUnavailableError } from '../unavailable.ts';
import type { Connection } from './connection.ts';

/** What group commit needs of a database: one session whose statements run in order (SQLite's or PostgreSQL's). */
export interface SqlSession {
  run(sql: string, params?: unknown[]): Promise<unknown>;
}

/**
 * A unit of writes that must land together, run inside the batch's transaction. It pushes to `audit` the
 * entries its writes call for: they are committed with them, or not at all.
 */
export type WriteJob<T, Db = Connection> = (db: Db, audit: AuditInput[]) => Promise<T>;

/** Writes of one kind that a whole batch can make in a few statements: one result per item, in order. */
export type BulkWrite<Item, Result, Db = Connection> = (db: Db, items: Item[], audit: AuditInput[]) => Promise<Result[]>;

/** Writes a batch's audit entries in its transaction, just before COMMIT; `committed` once COMMIT returned. */
export interface AuditWriter<Db = Connection> {
  append(db: Db, entries: AuditInput[]): Promise<void>;
  committed(): void;
  rolledBack(): void;
}

interface Pending<T> {
  resolve(value: T): void;
  reject(error: unknown): void;
}

/** What a batch took from one channel or from the jobs: written together, or one by one after a failure. */
interface Taken<Db> {
  /** Fast path: everything in as few statements as possible; throws if any part fails. */
  writeTogether(db: Db, audit: AuditInput[]): Promise<Array<() => void>>;
  /** Careful path: each unit in its own savepoint, so a failing one is answered alone (and audited only if kept). */
  writeEach(db: Db, audit: AuditInput[]): Promise<Array<() => void>>;
  rejectAll(error: unknown): void;
}

/**
 * Group commit: writes that arrive while a commit is on its way to disk wait and go together in the next
 * transaction, so durability costs one fsync per batch, not per request. Every caller is answered only after
 * the COMMIT that holds its write returned. A batch is first written optimistically in one transaction with
 * the fewest statements; if anything in it fails, it is rolled back and written again unit by unit, each in a
 * savepoint, so one bad write does not fail its neighbours. A store that cannot write (StoreUnavailableError) is
 * nobody's fault in the batch: the whole batch is refused and rolled back, and `onUnavailable` is told.
 */
export class GroupCommit<Db extends SqlSession = Connection> {
  readonly #channels: Array<(max: number) => Taken<Db> | undefined> = [];
  #jobs: Array<Pending<unknown> & { job: WriteJob<unknown, Db> }> = [];
  #waiting = 0;
  #scheduled = false;
  #idle: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Db,
    private readonly audit: AuditWriter<Db>,
    /** `begin`: the statement that opens a batch's transaction (SQLite's `BEGIN IMMEDIATE` unless told). */
    private readonly options: { maxBatch?: number; onUnavailable?: (error: StoreUnavailableError) => void; begin?: string } = {},
  ) {}

  get #maxBatch(): number {
    return this.options.maxBatch ?? 1000;
  }

  /** A bulk channel: items added to it are written together by `bulk`, in the next batch. */
  channel<Item, Result>(bulk: BulkWrite<Item, Result, Db>): (item: Item) => Promise<Result> {
    const queue: Array<Pending<Result> & { item: Item }> = [];
    this.#channels.push((max) => {
      if (queue.length === 0) return undefined;
      const batch = queue.splice(0, max);
      this.#waiting -= batch.length;
      return {
        async writeTogether(db, audit) {
          const results = await bulk(db, batch.map((pending) => pending.item), audit);
          return batch.map((pending, i) => () => pending.resolve(results[i] as Result));
        },
        async writeEach(db, audit) {
          const answers: Array<() => void> = [];
          for (const pending of batch) {
            const single = await inSavepoint(db, audit, (unitAudit) => bulk(db, [pending.item], unitAudit));
            answers.push(single.ok ? () => pending.resolve(single.value[0] as Result) : () => pending.reject(single.error));
          }
          return answers;
        },
        rejectAll: (error) => batch.forEach((pending) => pending.reject(error)),
      };
    });
    return (item) =>
      new Promise<Result>((resolve, reject) => {
        queue.push({ item, resolve, reject });
        this.#waiting += 1;
        this.#schedule();
      });
  }

  /** Runs `job` in the next transaction; resolves with its result once committed. */
  write<T>(job: WriteJob<T, Db>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#jobs.push({ job: job as WriteJob<unknown, Db>, resolve: resolve as (value: unknown) => void, reject });
      this.#waiting += 1;
      this.#schedule();
    });
  }

  /** Resolves when everything queued so far has been committed (or failed). */
  async drain(): Promise<void> {
    while (this.#scheduled || this.#waiting > 0) await this.#idle;
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    // Wait one turn of the event loop so that requests parsed in the same turn share the commit.
    this.#idle = new Promise<void>((done) => setImmediate(() => this.#flushAll().finally(done)));
  }

  async #flushAll(): Promise<void> {
    let answers: Array<() => void> = [];
    while (this.#waiting > 0) {
      // The next batch's first statement is on its way before the last batch's callers are answered, so the
      // disk works while their responses are written.
      const next = this.#flush(this.#take());
      for (const answer of answers) answer();
      answers = await next;
    }
    for (const answer of answers) answer();
    this.#scheduled = false;
  }

  #take(): Taken<Db>[] {
    const taken = this.#channels.map((take) => take(this.#maxBatch)).filter((batch) => batch !== undefined);
    const jobs = this.#jobs.splice(0, this.#maxBatch);
    this.#waiting -= jobs.length;
    if (jobs.length > 0) taken.push(jobsBatch(jobs));
    return taken;
  }

  /** Writes one batch; resolves with how to answer its callers (after the commit, never before). */
  async #flush(taken: Taken<Db>[]): Promise<Array<() => void>> {
    try {
      return await this.#transaction((audit) => runInOrder(taken, (part) => part.writeTogether(this.db, audit)));
    } catch (error) {
      if (error instanceof StoreUnavailableError) return this.#refuseAll(taken, error);
      // Something in the batch failed: find out what, unit by unit, and answer each for itself.
    }
    try {
      return await this.#transaction((audit) => runInOrder(taken, (part) => part.writeEach(this.db, audit)));
    } catch (error) {
      if (error instanceof StoreUnavailableError) return this.#refuseAll(taken, error);
      return taken.map((part) => () => part.rejectAll(error));
    }
  }

  #refuseAll(taken: Taken<Db>[], error: StoreUnavailableError): Array<() => void> {
    this.options.onUnavailable?.(error);
    return taken.map((part) => () => part.rejectAll(error));
  }

  async #transaction(work: (audit: AuditInput[]) => Promise<Array<Array<() => void>>>): Promise<Array<() => void>> {
    const audit: AuditInput[] = [];
    await this.db.run(this.options.begin ?? 'BEGIN IMMEDIATE');
    try {
      const answers = (await work(audit)).flat();
      if (audit.length > 0) await this.audit.append(this.db, audit);
      await this.db.run('COMMIT');
      this.audit.committed();
      return answers;
    } catch (error) {
      await this.db.run('ROLLBACK').catch(() => undefined);
      this.audit.rolledBack();
      throw error;
    }
  }
}

function jobsBatch<Db extends SqlSession>(jobs: Array<Pending<unknown> & { job: WriteJob<unknown, Db> }>): Taken<Db> {
  return {
    async writeTogether(db, audit) {
      const values = await runInOrder(jobs, (pending) => pending.job(db, audit));
      return jobs.map((pending, i) => () => pending.resolve(values[i]));
    },
    async writeEach(db, audit) {
      const outcomes = await runInOrder(jobs, (pending) => inSavepoint(db, audit, (unitAudit) => pending.job(db, unitAudit)));
      return jobs.map((pending, i) => {
        const outcome = outcomes[i];
        return outcome?.ok ? () => pending.resolve(outcome.value) : () => pending.reject(outcome?.error);
      });
    },
    rejectAll: (error) => jobs.forEach((pending) => pending.reject(error)),
  };
}

/** One after the other: statements of one transaction on one connection must not interleave. */
async function runInOrder<T, R>(items: T[], work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (const item of items) results.push(await work(item));
  return results;
}

/** Runs one unit in a savepoint; its audit entries join the batch's only if the unit is kept. */
async function inSavepoint<T>(
  db: SqlSession,
  audit: AuditInput[],
  work: (unitAudit: AuditInput[]) => Promise<T>,
): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
  const unitAudit: AuditInput[] = [];
  await db.run('SAVEPOINT unit');
  try {
    const value = await work(unitAudit);
    await db.run('RELEASE unit');
    audit.push(...unitAudit);
    return { ok: true, value };
  } catch (error) {
    // The store itself cannot write: no unit is at fault, and SQLite may have rolled the whole transaction back
    // already (a later unit would then commit on its own). The batch stops here, rolled back, every caller refused.
    if (error instanceof StoreUnavailableError) throw error;
    await db.run('ROLLBACK TO unit');
    await db.run('RELEASE unit');
    return { ok: false, error };
  }
}
