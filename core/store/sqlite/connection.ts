import sqlite3 from 'sqlite3';

/** A promise face over one sqlite3 connection. */
export interface Connection {
  run(sql: string, params?: unknown[]): Promise<{ changes: number; lastID: number }>;
  all<Row>(sql: string, params?: unknown[]): Promise<Row[]>;
  get<Row>(sql: string, params?: unknown[]): Promise<Row | undefined>;
  exec(sql: string): Promise<void>;
  close(): Promise<void>;
}

export async function openConnection(file: string, mode = sqlite3.OPEN_READWRITE | sqlite3.OPEN_CREATE): Promise<Connection> {
  const db = await new Promise<sqlite3.Database>((resolve, reject) => {
    const opened: sqlite3.Database = new sqlite3.Database(file, mode, (error) => (error ? reject(error) : resolve(opened)));
  });
  const connection: Connection = {
    run: (sql, params = []) =>
      new Promise((resolve, reject) => {
        db.run(sql, params, function onRun(this: sqlite3.RunResult, error: Error | null) {
          if (error) reject(error);
          else resolve({ changes: this.changes, lastID: this.lastID });
        });
      }),
    all: <Row>(sql: string, params: unknown[] = []) =>
      new Promise<Row[]>((resolve, reject) => {
        db.all(sql, params, (error, rows) => (error ? reject(error) : resolve(rows as Row[])));
      }),
    get: <Row>(sql: string, params: unknown[] = []) =>
      new Promise<Row | undefined>((resolve, reject) => {
        db.get(sql, params, (error, row) => (error ? reject(error) : resolve(row as Row | undefined)));
      }),
    exec: (sql) => new Promise((resolve, reject) => db.exec(sql, (error) => (error ? reject(error) : resolve()))),
    close: () => new Promise((resolve, reject) => db.close((error) => (error ? reject(error) : resolve()))),
  };
  // Durability first: every commit is on disk before anyone is told "stored". WAL lets readers go on meanwhile.
  await connection.exec('PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;');
  return connection;
}
