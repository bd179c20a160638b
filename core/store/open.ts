import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError } from '../config/config-error.ts';
import { auditKeys } from './audit-key.ts';
import { PayloadCipher } from './payload-cipher.ts';
import { SqliteStore } from './sqlite/sqlite-store.ts';
import type { Store } from './types.ts';

export const DEFAULT_DB = './data/lienthong.db';
/** The sandbox's own file: a sandbox started beside `serve` never writes into (or signs with the key of) its store. */
export const DEFAULT_SANDBOX_DB = './data/sandbox.db';

export interface OpenOptions {
  /** The sandbox: its own default file, and it may make up an audit key when none is set. */
  sandbox?: boolean;
  /** A verb that reads a store: a file that is not there is an error, and nothing is created. */
  existing?: boolean;
  /** Keys the audit log was chained with before rotations, besides LIENTHONG_AUDIT_KEYS (`audit verify --keys-file`). */
  olderAuditKeys?: Buffer[];
}

/** The SQLite file the environment names: `LIENTHONG_DB`, else the default of `serve` or of the sandbox. */
export function storeFile(env: Record<string, string | undefined> = process.env, options: OpenOptions = {}): string {
  if (env.LIENTHONG_DATABASE_URL) {
    throw new ConfigError('LIENTHONG_DATABASE_URL is set, but this version ships only the SQLite store; unset it to use LIENTHONG_DB');
  }
  return env.LIENTHONG_DB || (options.sandbox ? DEFAULT_SANDBOX_DB : DEFAULT_DB);
}

/**
 * The store named by the environment: `LIENTHONG_DATABASE_URL` (PostgreSQL) or the SQLite file `LIENTHONG_DB`,
 * with its audit chain signed by `LIENTHONG_AUDIT_KEY` and payloads encrypted with `LIENTHONG_DATA_KEY` when set. Only the sandbox may make up a key when none is set.
 * With `existing`, a file that is not there is refused before anything (database, -wal, -shm, audit key file) is created.
 * A key the store's audit log is not chained with is refused (one line naming both key ids), and nothing is written.
 */
export async function openStore(env: Record<string, string | undefined> = process.env, options: OpenOptions = {}): Promise<Store> {
  const file = storeFile(env, options);
  if (options.existing && !existsSync(file)) {
    const absolute = resolve(file);
    const named = absolute === file ? file : `${file} (${absolute})`;
    // Someone who ran `npm start` and then a verb without --db: the store they mean is most likely the sandbox's.
    const sandboxHint = !env.LIENTHONG_DB && existsSync(DEFAULT_SANDBOX_DB) ? ` (the sandbox's store is ${DEFAULT_SANDBOX_DB})` : '';
    throw new ConfigError(`no store at ${named}: check --db or LIENTHONG_DB${sandboxHint}, or start \`lienthong serve\` once to create it`);
  }
  const keys = await auditKeys(file, env, options.sandbox ?? false);
  const store = await SqliteStore.open(file, {
    auditKey: keys.key,
    olderAuditKeys: [...keys.older, ...(options.olderAuditKeys ?? [])],
    auditKeyName: keys.name,
    dataKey: PayloadCipher.fromEnvironment(env.LIENTHONG_DATA_KEY),
  });
  try {
    await keys.save?.();
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
}
