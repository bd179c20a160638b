/** What a PostgreSQL store is opened with (postgres-store.ts). */
import type { PayloadCipher } from '../payload-cipher.ts';

export interface PostgresStoreOptions {
  /** `LIENTHONG_DATABASE_URL`: postgres://user:password@host:5432/database, optionally with `?pool_size=N`. */
  url: string;
  /** Connections this process keeps (default: the URL's pool_size, else LIENTHONG_DATABASE_POOL_SIZE, else 10). */
  poolSize?: number | undefined;
  /** A schema of its own instead of the user's default (tests). */
  schema?: string | undefined;
  /** Signs the audit chain (LIENTHONG_AUDIT_KEY). */
  auditKey: Buffer;
  /** Keys the log was chained with before rotations, to verify it. */
  olderAuditKeys?: Buffer[] | undefined;
  /** Where the audit key came from, named when it is refused. */
  auditKeyName?: string | undefined;
  /** Encrypts payloads at rest (LIENTHONG_DATA_KEY). */
  dataKey?: PayloadCipher | undefined;
  /** How often a store that cannot write tries again. Default 2 s. */
  probeIntervalMs?: number | undefined;
  /** Messages a resume extends per transaction (core/store/resume-in-batches.ts). Default 2,000. */
  resumeBatch?: number | undefined;
  /** How long an API key read from the database is kept in memory at most (key-cache.ts). Default 5 s. */
  keysKeptMs?: number | undefined;
  /** A statement unanswered this long counts as a lost connection (503). Default 60 s (connection.ts). */
  statementTimeoutMs?: number | undefined;
  /** A verb that reads a store: a database the gateway never migrated is refused, and nothing is created in it. */
  existing?: boolean | undefined;
  /** False for a CLI verb: it does not migrate a database that gateway processes (of an older version) are using. */
  gateway?: boolean | undefined;
}
