import sqlite3 from 'sqlite3';

/** How far a copy has got, in database pages. */
export interface CopyProgress {
  copiedPages: number;
  totalPages: number;
}

/** What node-sqlite3 gives for `db.backup(file)`; its typings leave it out. */
interface SqliteBackup {
  step(pages: number, callback: (error: Error | null) => void): void;
  finish(callback: (error: Error | null) => void): void;
  readonly completed: boolean;
  readonly remaining: number;
  readonly pageCount: number;
}

/** Pages per step: 4 MiB of 4 KiB pages, so progress moves about every few milliseconds. */
const STEP_PAGES = 1024;

/**
 * Copies the SQLite database `source` into `target` (a new or empty file) with SQLite's online backup API, while
 * other processes go on writing to `source`. The copy is one snapshot: a read transaction is held on the source
 * from the first page to the last, so the copy is taken in steps (to report progress) without ever restarting
 * when the gateway commits meanwhile, as the backup API would otherwise do after each write by another connection.
 * In WAL mode a reader never blocks a writer: the gateway only sees its WAL grow until the copy ends.
 */
export async function copyDatabase(source: string, target: string, onProgress?: (progress: CopyProgress) => void): Promise<CopyProgress> {
  const db = await new Promise<sqlite3.Database>((resolve, reject) => {
    const opened: sqlite3.Database = new sqlite3.Database(source, sqlite3.OPEN_READONLY, (error) => (error ? reject(error) : resolve(opened)));
  });
  const exec = (sql: string) => new Promise<void>((resolve, reject) => db.exec(sql, (error) => (error ? reject(error) : resolve())));
  try {
    await exec('PRAGMA busy_timeout = 5000');
    // The snapshot: this read transaction stays open across every step below.
    await exec('BEGIN; SELECT COUNT(*) FROM sqlite_schema;');
    const backup = (db as unknown as { backup(file: string): SqliteBackup }).backup(target);
    try {
      while (!backup.completed) {
        await new Promise<void>((resolve, reject) => backup.step(STEP_PAGES, (error) => (error ? reject(error) : resolve())));
        onProgress?.({ copiedPages: backup.pageCount - backup.remaining, totalPages: backup.pageCount });
      }
    } finally {
      await new Promise<void>((resolve) => backup.finish(() => resolve()));
    }
    await exec('COMMIT');
    return { copiedPages: backup.pageCount, totalPages: backup.pageCount };
  } finally {
    await new Promise<void>((resolve) => db.close(() => resolve()));
  }
}
