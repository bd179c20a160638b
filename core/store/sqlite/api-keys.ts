/**
 * API keys: the key itself is never stored, only its hash; creation and revocation are audited. Creating, listing
 * and revoking are the same statements on PostgreSQL (postgres/api-keys.ts uses them); a look-up by hashes is not.
 */
import type { AuditInput } from '../../audit/chain.ts';
import type { Actor, ApiKeyRecord } from '../types.ts';
import type { Connection } from './connection.ts';

/** What the shared statements need of a connection: SQLite's, or PostgreSQL's queries (the same `?` placeholders). */
type KeyStatements = Pick<Connection, 'run' | 'all'>;
import { type ApiKeyRow, toApiKey } from './rows.ts';

/** Inside a write transaction. */
export async function createKey(db: KeyStatements, audit: AuditInput[], key: ApiKeyRecord, actor: Actor): Promise<void> {
  await db.run('INSERT INTO api_keys (id, hash, role, agencies, label, created_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?, ?)', [
    key.id, key.hash, key.role, JSON.stringify(key.agencies), key.label, key.createdAt, key.revokedAt,
  ]);
  audit.push({ at: key.createdAt, actor, action: 'key.created', summary: { keyId: key.id, role: key.role, agencies: key.agencies, label: key.label } });
}

/** The keys of these hashes, by hash, in one query. */
export async function findKeysByHash(db: Connection, hashes: string[]): Promise<Map<string, ApiKeyRecord>> {
  const rows = await db.all<ApiKeyRow>(
    `SELECT * FROM api_keys WHERE hash IN (${hashes.map(() => '?').join(', ')})`,
    hashes,
  );
  return new Map(rows.map((row) => [row.hash, toApiKey(row)]));
}

export async function listKeys(db: KeyStatements): Promise<ApiKeyRecord[]> {
  return (await db.all<ApiKeyRow>('SELECT * FROM api_keys ORDER BY created_at')).map(toApiKey);
}

/** Inside a write transaction: false when no such key exists or it was revoked already. */
export async function revokeKey(db: KeyStatements, audit: AuditInput[], id: string, now: number, actor: Actor): Promise<boolean> {
  const { changes } = await db.run('UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL', [now, id]);
  if (changes > 0) audit.push({ at: now, actor, action: 'key.revoked', summary: { keyId: id } });
  return changes > 0;
}
