/** What an Idempotency-Key answers again: a sync request's answer, or only the hash of an async one. */
import type { StoredResponse } from '../types.ts';
import type { Connection } from './connection.ts';

export async function getStoredResponse(db: Connection, scope: string, key: string): Promise<StoredResponse | undefined> {
  const row = await db.get<{ request_hash: string; status: number | null; body: string | null; created_at: number }>(
    'SELECT request_hash, status, body, created_at FROM idempotency_keys WHERE scope = ? AND key = ?',
    [scope, key],
  );
  return row && { requestHash: row.request_hash, status: row.status, body: row.body, createdAt: row.created_at };
}

/** Inside a write transaction; the first answer stored under a key stays. */
export async function storeResponse(db: Connection, scope: string, key: string, response: StoredResponse): Promise<void> {
  await db.run(
    'INSERT OR IGNORE INTO idempotency_keys (scope, key, request_hash, status, body, created_at) VALUES (?, ?, ?, ?, ?, ?)',
    [scope, key, response.requestHash, response.status, response.body, response.createdAt],
  );
}
