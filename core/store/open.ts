import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError } from '../config/config-error.ts';
import { auditKeys } from './audit-key.ts';
import { PayloadCipher } from './payload-cipher.ts';
import { databaseTarget, isPostgresUrl } from './postgres/database-url.ts';
import { PostgresStore } from './postgres/postgres-store.ts';
import { gatewayHolding } from './sqlite/gateway-lock.ts';
import { startStoreFile } from './sqlite/start-checks.ts';
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
  /**
   * A gateway process (serve, the sandbox): refuses a full disk, and claims the file for itself until the store
   * is closed, refusing a file another gateway process holds. Both before anything is written.
   */
  gateway?: boolean;
}

/** The SQLite file the environment names: `LIENTHONG_DB`, else the default of `serve` or of the sandbox. */
export function storeFile(env: Record<string, string | undefined> = process.env, options: OpenOptions = {}): string {
  if (databaseUrl(env) !== undefined) throw new ConfigError('LIENTHONG_DATABASE_URL is set: the store is that PostgreSQL database, not a file');
  return env.LIENTHONG_DB || (options.sandbox ? DEFAULT_SANDBOX_DB : DEFAULT_DB);
}

/** `LIENTHONG_DATABASE_URL` when it is set: a PostgreSQL URL, or a ConfigError. */
export function databaseUrl(env: Record<string, string | undefined> = process.env): string | undefined {
  const url = env.LIENTHONG_DATABASE_URL;
  if (url === undefined || url === '') return undefined;
  if (!isPostgresUrl(url)) throw new ConfigError('LIENTHONG_DATABASE_URL must name a PostgreSQL database (postgres://user:password@host:5432/database); unset it to use the SQLite file LIENTHONG_DB');
  return url;
}

/** Where the store is, as an operator reads it: the PostgreSQL URL with its password masked, or the file's absolute path. */
export function storeLocation(env: Record<string, string | undefined> = process.env, options: OpenOptions = {}): string {
  const url = databaseUrl(env);
  return url === undefined ? resolve(storeFile(env, options)) : databaseTarget(url, env).display;
}

/**
 * The store named by the environment: `LIENTHONG_DATABASE_URL` (PostgreSQL) or the SQLite file `LIENTHONG_DB`,
 * with its audit chain signed by `LIENTHONG_AUDIT_KEY` and payloads encrypted with `LIENTHONG_DATA_KEY` when set. Only the sandbox may make up a key when none is set.
 * With `existing`, a file that is not there is refused before anything (database, -wal, -shm, audit key file) is created.
 * A key the store's audit log is not chained with is refused (one line naming both key ids), and nothing is written.
 */
export async function openStore(env: Record<string, string | undefined> = process.env, options: OpenOptions = {}): Promise<Store> {
  const url = databaseUrl(env);
  if (url !== undefined) return openPostgres(url, env, options);
  const file = storeFile(env, options);
  if (options.existing) refuseMissingStore(file, env);
  const busyTimeoutMs = busyTimeout(env);
  const open = async (onClose?: () => Promise<void>) => {
    const keys = await auditKeys(file, env, options.sandbox ?? false);
    const store = await SqliteStore.open(file, {
      auditKey: keys.key,
      olderAuditKeys: [...keys.older, ...(options.olderAuditKeys ?? [])],
      auditKeyName: keys.name,
      dataKey: PayloadCipher.fromEnvironment(env.LIENTHONG_DATA_KEY),
      busyTimeoutMs,
      onClose,
      // A verb run by a newer lienthong must not migrate the store under a gateway of the older one.
      beforeMigrating: options.gateway ? undefined : (versions) => refuseMigratingUnderGateway(file, versions),
    });
    try {
      await keys.save?.();
    } catch (error) {
      await store.close();
      throw error;
    }
    return store;
  };
  return options.gateway ? startStoreFile(file, busyTimeoutMs, open) : open();
}

/** A verb that needs an existing store: one line naming the file (and the sandbox's, if that is likely the one meant). */
export function refuseMissingStore(file: string, env: Record<string, string | undefined>): void {
  if (existsSync(file)) return;
  const absolute = resolve(file);
  const named = absolute === file ? file : `${file} (${absolute})`;
  // Someone who ran `npm start` and then a verb without --db: the store they mean is most likely the sandbox's.
  const sandboxHint = !env.LIENTHONG_DB && existsSync(DEFAULT_SANDBOX_DB) ? ` (the sandbox's store is ${DEFAULT_SANDBOX_DB})` : '';
  throw new ConfigError(`no store at ${named}: check --db or LIENTHONG_DB${sandboxHint}, or start \`lienthong serve\` once to create it`);
}

/**
 * A CLI verb of a newer lienthong on a store an older gateway is running on: migrating it would change the schema
 * under code not written for it. Said in one line; the store is left as it was.
 */
async function refuseMigratingUnderGateway(file: string, versions: number[]): Promise<void> {
  const held = await gatewayHolding(file);
  if (!held) return;
  throw new ConfigError(
    `${resolve(file)} needs migration${versions.length > 1 ? 's' : ''} ${versions.join(', ')} of this lienthong, but ${held.holder} runs on it with an older version: ` +
      'stop that gateway and start this version (its migrations run at start), then run this command again',
  );
}

/** `LIENTHONG_SQLITE_BUSY_TIMEOUT_MS`: how long a write waits for another process's write lock before a 503. */
function busyTimeout(env: Record<string, string | undefined>): number | undefined {
  const text = env.LIENTHONG_SQLITE_BUSY_TIMEOUT_MS;
  if (text === undefined || text === '') return undefined;
  const ms = Number(text);
  if (!Number.isInteger(ms) || ms < 0 || ms > 600_000) {
    throw new ConfigError(`LIENTHONG_SQLITE_BUSY_TIMEOUT_MS must be a whole number of milliseconds from 0 to 600000, not '${text}'; unset it for 5000`);
  }
  return ms;
}

/**
 * The PostgreSQL store: several gateway processes share it, so no process claims it for itself. The audit key comes
 * only from LIENTHONG_AUDIT_KEY (no key file beside a database), the sandbox's included.
 */
async function openPostgres(url: string, env: Record<string, string | undefined>, options: OpenOptions): Promise<Store> {
  if (!env.LIENTHONG_AUDIT_KEY) {
    throw new ConfigError('LIENTHONG_AUDIT_KEY is not set: with LIENTHONG_DATABASE_URL every process needs the audit key of at least 32 characters (e.g. openssl rand -base64 48)');
  }
  const keys = await auditKeys('', env, false);
  return PostgresStore.open({
    url: databaseTarget(url, env).connectionString,
    poolSize: databaseTarget(url, env).poolSize,
    auditKey: keys.key,
    olderAuditKeys: [...keys.older, ...(options.olderAuditKeys ?? [])],
    auditKeyName: keys.name,
    dataKey: PayloadCipher.fromEnvironment(env.LIENTHONG_DATA_KEY),
    existing: options.existing,
    gateway: options.gateway ?? false,
  });
}
