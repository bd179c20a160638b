import type { AuditInput } from '../../audit/chain.ts';
import type { AuditWriter, BulkWrite, WriteJob } from '../sqlite/group-commit.ts';
import { StoreUnavailableError } from '../unavailable.ts';
import type { Queries } from './connection.ts';

/** The audit chain as PostgreSQL's group commit uses it: its head is locked before a batch is taken. */
export interface LockingAuditWriter extends AuditWriter<Queries> {
  /** Opens the transaction and waits for the chain's head, then holds it until COMMIT or ROLLBACK. */
  beginAndLockHead(db: Queries): Promise<void>;
  /** Where the chain stands in the transaction, and going back there when a savepoint is rolled back. */
  mark(): unknown;
  restore(mark: unknown): void;
}

interface Pending<T> {
  resolve(value: T): void;
  reject(error: unknown): void;
}

/** What a batch took from one channel or from the jobs: written together, or one by one after a failure. */
interface Taken {
  writeTogether(db: Queries, audit: AuditInput[]): Promise<Array<() => void>>;
  writeEach(db: Queries, audit: AuditInput[]): Promise<Array<() => void>>;
  rejectAll(error: unknown): void;
}

/**
 * Group commit for several processes sharing one audit chain. As SQLite's (core/store/sqlite/group-commit.ts), writes
 * that arrive while a commit is on its way go together in the next transaction, every caller answered after the COMMIT
 * that holds its write; a failing batch is written again unit by unit in savepoints; a store that cannot write refuses
 * the whole batch. What differs: each transaction first waits for the audit chain's head, which the other processes'
 * transactions hold until their COMMIT is on disk, and only then takes what is waiting. Taken before the wait, a
 * batch would hold the few writes that came in since the last commit, and those that arrive during the wait would
 * each pay for another transaction and another wait; taken after it, they all go in this one.
 */
export class PostgresGroupCommit {
  readonly #channels: Array<(max: number) => Taken | undefined> = [];
  #jobs: Array<Pending<unknown> & { job: WriteJob<unknown, Queries> }> = [];
  #waiting = 0;
  #scheduled = false;
  #idle: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Queries,
    private readonly audit: LockingAuditWriter,
    private readonly options: { maxBatch?: number; onUnavailable?: (error: StoreUnavailableError) => void } = {},
  ) {}

  get #maxBatch(): number {
    return this.options.maxBatch ?? 1000;
  }

  /** A bulk channel: items added to it are written together by `bulk`, in the next batch. */
  channel<Item, Result>(bulk: BulkWrite<Item, Result, Queries>): (item: Item) => Promise<Result> {
    const queue: Array<Pending<Result> & { item: Item }> = [];
    const chain = this.audit;
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
            const single = await inSavepoint(db, audit, chain, (unitAudit) => bulk(db, [pending.item], unitAudit));
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
  write<T>(job: WriteJob<T, Queries>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#jobs.push({ job: job as WriteJob<unknown, Queries>, resolve: resolve as (value: unknown) => void, reject });
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
    this.#idle = new Promise<void>((done) => setImmediate(() => this.#flushAll().finally(done)));
  }

  async #flushAll(): Promise<void> {
    let answers: Array<() => void> = [];
    while (this.#waiting > 0) {
      // The next transaction is on its way (and waiting for the head) before the last one's callers are answered.
      const next = this.#flush();
      for (const answer of answers) answer();
      answers = await next;
    }
    for (const answer of answers) answer();
    this.#scheduled = false;
  }

  #take(): Taken[] {
    const taken = this.#channels.map((take) => take(this.#maxBatch)).filter((batch) => batch !== undefined);
    const jobs = this.#jobs.splice(0, this.#maxBatch);
    this.#waiting -= jobs.length;
    if (jobs.length > 0) taken.push(jobsBatch(jobs, this.audit));
    return taken;
  }

  /** Writes one batch, taken once the head is ours; resolves with how to answer its callers (after the commit). */
  async #flush(): Promise<Array<() => void>> {
    let taken: Taken[] | undefined;
    const take = () => (taken ??= this.#take());
    try {
      return await this.#transaction(take, (audit) => runInOrder(take(), (part) => part.writeTogether(this.db, audit)));
    } catch (error) {
      if (error instanceof StoreUnavailableError) return this.#refuseAll(take(), error);
      // Nothing taken: the head could not be had (the key was rotated by another process): every waiting write is refused.
      if (taken === undefined) return take().map((part) => () => part.rejectAll(error));
      // Something in the batch failed: find out what, unit by unit, and answer each for itself.
    }
    const batch = take();
    try {
      return await this.#transaction(take, (audit) => runInOrder(batch, (part) => part.writeEach(this.db, audit)));
    } catch (error) {
      if (error instanceof StoreUnavailableError) return this.#refuseAll(batch, error);
      return batch.map((part) => () => part.rejectAll(error));
    }
  }

  #refuseAll(taken: Taken[], error: StoreUnavailableError): Array<() => void> {
    this.options.onUnavailable?.(error);
    return taken.map((part) => () => part.rejectAll(error));
  }

  async #transaction(take: () => Taken[], work: (audit: AuditInput[]) => Promise<Array<Array<() => void>>>): Promise<Array<() => void>> {
    const audit: AuditInput[] = [];
    try {
      await this.audit.beginAndLockHead(this.db);
      take();
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

function jobsBatch(jobs: Array<Pending<unknown> & { job: WriteJob<unknown, Queries> }>, chain: LockingAuditWriter): Taken {
  return {
    async writeTogether(db, audit) {
      const values = await runInOrder(jobs, (pending) => pending.job(db, audit));
      return jobs.map((pending, i) => () => pending.resolve(values[i]));
    },
    async writeEach(db, audit) {
      const outcomes = await runInOrder(jobs, (pending) => inSavepoint(db, audit, chain, (unitAudit) => pending.job(db, unitAudit)));
      return jobs.map((pending, i) => {
        const outcome = outcomes[i];
        return outcome?.ok ? () => pending.resolve(outcome.value) : () => pending.reject(outcome?.error);
      });
    },
    rejectAll: (error) => jobs.forEach((pending) => pending.reject(error)),
  };
}

async function runInOrder<T, R>(items: T[], work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (const item of items) results.push(await work(item));
  return results;
}

/**
 * Runs one unit in a savepoint; its audit entries join the batch's only if the unit is kept, and entries it chained
 * in its own statements (chainNow) are forgotten with it.
 */
async function inSavepoint<T>(
  db: Queries,
  audit: AuditInput[],
  chain: LockingAuditWriter,
  work: (unitAudit: AuditInput[]) => Promise<T>,
): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
  const unitAudit: AuditInput[] = [];
  const mark = chain.mark();
  await db.run('SAVEPOINT unit');
  try {
    const value = await work(unitAudit);
    await db.run('RELEASE unit');
    audit.push(...unitAudit);
    return { ok: true, value };
  } catch (error) {
    if (error instanceof StoreUnavailableError) throw error;
    chain.restore(mark);
    await db.run('ROLLBACK TO unit');
    await db.run('RELEASE unit');
    return { ok: false, error };
  }
}
