import sqlite3 from 'sqlite3';
import * as v from 'valibot';

export interface SmsCounts {
  total: number;
  byStatus: Record<string, number>;
}

const rowsShape = v.array(v.object({ status: v.string(), count: v.number() }));

/** SMS messages in a gateway's SQLite file, by status, read on a read-only connection of its own. */
export async function countSmsMessages(file: string): Promise<SmsCounts> {
  const db = await new Promise<sqlite3.Database>((resolve, reject) => {
    const opened: sqlite3.Database = new sqlite3.Database(file, sqlite3.OPEN_READONLY, (error) => (error ? reject(error) : resolve(opened)));
  });
  try {
    const rows = await new Promise<unknown[]>((resolve, reject) => {
      db.all("SELECT status, COUNT(*) AS count FROM messages WHERE capability = 'sms' GROUP BY status", (error, found) =>
        error ? reject(error) : resolve(found),
      );
    });
    const counts = v.parse(rowsShape, rows);
    const byStatus = Object.fromEntries(counts.map((row) => [row.status, row.count]));
    return { total: counts.reduce((sum, row) => sum + row.count, 0), byStatus };
  } finally {
    await new Promise<void>((resolve) => db.close(() => resolve()));
  }
}
