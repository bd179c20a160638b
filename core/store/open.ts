import { ConfigError } from '../config/config-error.ts';
import { auditKey } from './audit-key.ts';
import { PayloadCipher } from './payload-cipher.ts';
import { SqliteStore } from './sqlite/sqlite-store.ts';
import type { Store } from './types.ts';

export const DEFAULT_DB = './data/lienthong.db';

/**
 * The store named by the environment: `LIENTHONG_DATABASE_URL` (PostgreSQL) or the SQLite file `LIENTHONG_DB`,
 * with its audit chain signed by `LIENTHONG_AUDIT_KEY` and payloads encrypted with `LIENTHONG_DATA_KEY` when set. Only the sandbox may make up a key when none is set.
 */
export async function openStore(env: Record<string, string | undefined> = process.env, options: { sandbox?: boolean } = {}): Promise<Store> {
  if (env.LIENTHONG_DATABASE_URL) {
    throw new ConfigError('LIENTHONG_DATABASE_URL is set, but this version ships only the SQLite store; unset it to use LIENTHONG_DB');
  }
  const file = env.LIENTHONG_DB || DEFAULT_DB;
  return SqliteStore.open(file, { auditKey: await auditKey(file, env, options.sandbox ?? false), dataKey: PayloadCipher.fromEnvironment(env.LIENTHONG_DATA_KEY) });
}
