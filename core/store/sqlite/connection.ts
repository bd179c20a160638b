import sqlite3 from 'sqlite3';
import { classifyStoreError } from './unavailable-errors.ts';

/** A promise face over one sqlite3 connection, with its statements prepared once and reused. */
export interface Connection {
  run(sql: string, params?: unknown[]): Promise<{ changes: number }>;
  all<Row>(sql: string, params?: unknown[]): Promise<Row[]>;
  get<Row>(sql: string, params?: unknown[]): Promise<Row | undefined>;
  /** Several statements without parameters (migrations). Not cached. */
  exec(sql: string): Promise<void>;
  close(): Promise<void>;
}

/** Distinct statements kept prepared; dynamic filters beyond this many evict the least recently used. */
const STATEMENT_CACHE_SIZE = 256;

/**
 * How long a write waits for another process's write lock before it is refused (503): long enough for another
 * process's brief writes (a CLI verb's), short enough that a stopped or hung one is reported before callers give up.
 */
export const DEFAULT_BUSY_TIMEOUT_MS = 5000;

export interface ConnectionOptions {
  mode?: number;
  busyTimeoutMs?: number;
  /** WAL and full durability, as a store needs; false leaves SQLite's rollback journal (gateway-lock.ts). Default true. */
  wal?: boolean;
}

/**
 * Errors that say the store cannot write now (disk full, lock held elsewhere, read-only …) reject as
 * StoreUnavailableError (unavailable-errors.ts); others as sqlite3 gave them.
 */
export async function openConnection(file: string, options: ConnectionOptions = {}): Promise<Connection> {
  const mode = options.mode ?? sqlite3.OPEN_READWRITE | sqlite3.OPEN_CREATE;
  const busyTimeoutMs = options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
  const classify = (error: unknown) => classifyStoreError(error, { file, busyTimeoutMs });
  const db = await new Promise<sqlite3.Database>((resolve, reject) => {
    const opened: sqlite3.Database = new sqlite3.Database(file, mode, (error) => (error ? reject(classify(error)) : resolve(opened)));
  });
  // Preparing costs far more than running (a fresh statement per call was ~80x slower here under load).
  const statements = new Map<string, Promise<sqlite3.Statement>>();
  const prepared = (sql: string): Promise<sqlite3.Statement> => {
    let statement = statements.get(sql);
    if (statement) {
      statements.delete(sql);
    } else {
      // A failed prepare must reject: calls queued on a broken statement would never be answered.
      statement = new Promise<sqlite3.Statement>((resolve, reject) => {
        const created: sqlite3.Statement = db.prepare(sql, (error) => (error ? reject(classify(error)) : resolve(created)));
      });
      statement.catch(() => statements.delete(sql));
      if (statements.size >= STATEMENT_CACHE_SIZE) {
        const [oldest, evicted] = statements.entries().next().value as [string, Promise<sqlite3.Statement>];
        statements.delete(oldest);
        evicted.then((old) => old.finalize(), () => undefined);
      }
    }
    statements.set(sql, statement);
    return statement;
  };

  // Reads step to the end (`all`), never `get`: a statement left on a row would hold its read snapshot open.
  const all = async <Row>(sql: string, params: unknown[] = []) => {
    const statement = await prepared(sql);
    return new Promise<Row[]>((resolve, reject) => {
      statement.all(params, (error: Error | null, rows: Row[]) => (error ? reject(classify(error)) : resolve(rows)));
    });
  };

  const connection: Connection = {
    run: async (sql, params = []) => {
      const statement = await prepared(sql);
      return new Promise((resolve, reject) => {
        statement.run(params, function onRun(this: sqlite3.RunResult, error: Error | null) {
          if (error) reject(classify(error));
          else resolve({ changes: this.changes });
        });
      });
    },
    all,
    get: async <Row>(sql: string, params: unknown[] = []) => (await all<Row>(sql, params))[0],
    exec: (sql) => new Promise((resolve, reject) => db.exec(sql, (error) => (error ? reject(classify(error)) : resolve()))),
    close: async () => {
      const open = await Promise.allSettled(statements.values());
      for (const outcome of open) if (outcome.status === 'fulfilled') await new Promise<void>((resolve) => outcome.value.finalize(() => resolve()));
      statements.clear();
      await new Promise<void>((resolve, reject) => db.close((error) => (error ? reject(error) : resolve())));
    },
  };
  // Durability first: every commit is on disk before anyone is told "stored". WAL lets readers go on meanwhile.
  await connection.exec(`PRAGMA busy_timeout = ${Math.trunc(busyTimeoutMs)};`);
  if (options.wal === false) return connection;
  await connection.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;');
  return connection;
}
