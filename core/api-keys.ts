import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ApiKeyRecord, ApiKeyStore, KeyRole } from './store/types.ts';

export function hashKey(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export interface NewKey {
  role: KeyRole;
  /** Agency codes, or `['*']`; every agency when absent. An empty list is refused, not widened to all. */
  agencies?: string[];
  label?: string;
  /** A key chosen by the operator (sandbox variables); otherwise a random one is made. */
  token?: string;
  /** Who creates it, for the audit log: `cli`, `sandbox`, `key:<id>`. Default `system`. */
  actor?: string;
}

/** Creates a key; the token is returned once and only its hash is kept. */
export async function createKey(store: ApiKeyStore, request: NewKey, now = Date.now()): Promise<{ token: string; key: ApiKeyRecord }> {
  if (request.agencies?.length === 0) throw new Error('a key needs at least one agency code, or * for every agency');
  const id = `key_${randomBytes(6).toString('hex')}`;
  const token = request.token ?? `lt_${request.role === 'operator' ? 'op' : 'cl'}_${randomBytes(24).toString('base64url')}`;
  const key: ApiKeyRecord = {
    id,
    hash: hashKey(token),
    role: request.role,
    agencies: request.agencies ?? ['*'],
    label: request.label ?? null,
    createdAt: now,
    revokedAt: null,
  };
  await store.createKey(key, request.actor ?? 'system');
  return { token, key };
}

/** The active key for a presented token, compared in constant time; undefined when unknown or revoked. */
export async function authenticate(store: ApiKeyStore, token: string): Promise<ApiKeyRecord | undefined> {
  const hash = hashKey(token);
  const key = await store.findKeyByHash(hash);
  if (!key || key.revokedAt !== null) return undefined;
  return timingSafeEqual(Buffer.from(key.hash, 'hex'), Buffer.from(hash, 'hex')) ? key : undefined;
}

export function coversAgency(key: Pick<ApiKeyRecord, 'agencies'>, agency: string): boolean {
  return key.agencies.includes('*') || key.agencies.includes(agency);
}
