import type { Connection } from './connection.ts';

/** SQLite's `PRAGMA quick_check` verdict on the file: 'ok', or the first problem it found. */
export async function quickCheck(db: Connection): Promise<string> {
  const check = await db.all<{ quick_check: string }>('PRAGMA quick_check');
  return check[0]?.quick_check ?? 'no answer';
}

/** The schema version a store was migrated to (its last migration's number) and how many messages it holds. */
export async function storeFacts(db: Connection): Promise<{ schemaVersion: number; messages: number }> {
  const version = await db.get<{ version: number }>('SELECT MAX(version) AS version FROM schema_migrations');
  const messages = await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM messages');
  return { schemaVersion: version?.version ?? 0, messages: messages?.n ?? 0 };
}
