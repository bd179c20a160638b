/**
 * The PostgreSQL store's API keys: created, listed and revoked with SQLite's statements (sqlite/api-keys.ts), looked
 * up through the keys kept in memory (key-cache.ts), which the store's own writes and other processes' notifications
 * make it forget.
 */
import { CoalescedLookup } from '../coalesced-lookup.ts';
import { createKey, listKeys, revokeKey } from '../sqlite/api-keys.ts';
import { type ApiKeyRow, toApiKey } from '../sqlite/rows.ts';
import type { Actor, ApiKeyRecord } from '../types.ts';
import type { Queries } from './connection.ts';
import type { PostgresGroupCommit } from './group-commit.ts';
import { ListenedKeyCache } from './key-cache.ts';

export class PostgresApiKeys {
  readonly kept: ListenedKeyCache;

  constructor(
    private readonly commits: PostgresGroupCommit,
    private readonly reads: Queries,
    keptMs: number | undefined,
  ) {
    this.kept = new ListenedKeyCache(new CoalescedLookup((hashes: string[]) => findKeysByHash(reads, hashes)), { keptMs });
  }

  async create(key: ApiKeyRecord, actor: Actor): Promise<void> {
    await this.commits.write((db, audit) => createKey(db, audit, key, actor));
    this.kept.forget();
  }

  find(hash: string): Promise<ApiKeyRecord | undefined> {
    return this.kept.keyByHash(hash);
  }

  list(): Promise<ApiKeyRecord[]> {
    return listKeys(this.reads);
  }

  async revoke(id: string, now: number, actor: Actor): Promise<boolean> {
    const revoked = await this.commits.write((db, audit) => revokeKey(db, audit, id, now, actor));
    this.kept.forget();
    return revoked;
  }
}

async function findKeysByHash(db: Queries, hashes: string[]): Promise<Map<string, ApiKeyRecord>> {
  const rows = await db.all<ApiKeyRow>('SELECT * FROM api_keys WHERE hash = ANY(?::text[])', [hashes]);
  return new Map(rows.map((row) => [row.hash, toApiKey(row)]));
}
