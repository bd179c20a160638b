import type { Actor } from './audit-store.ts';

export type KeyRole = 'client' | 'operator';

export interface ApiKeyRecord {
  id: string;
  /** SHA-256 (hex) of the whole key; the key itself is never stored. */
  hash: string;
  role: KeyRole;
  /** Agency codes the key may act for; `['*']` for all. */
  agencies: string[];
  label: string | null;
  createdAt: number;
  revokedAt: number | null;
}

/** API keys: created and revoked with their audit entries, found by their hash. */
export interface ApiKeyStore {
  createKey(key: ApiKeyRecord, actor: Actor): Promise<void>;
  findKeyByHash(hash: string): Promise<ApiKeyRecord | undefined>;
  listKeys(): Promise<ApiKeyRecord[]>;
  /** False when no such key exists or it was revoked already. */
  revokeKey(id: string, now: number, actor: Actor): Promise<boolean>;
}
