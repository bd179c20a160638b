import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { ConfigError } from '../../config/config-error.ts';

const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));

/** An index built over millions of rows takes what it takes: a migration, and the wait for one, have no statement timeout. */
const MIGRATION_TIMEOUT_MS = 24 * 3_600_000;
const untimed = (text: string, values: unknown[] = []): pg.QueryConfig => {
  const config: pg.QueryConfig & { query_timeout: number } = { text, values, query_timeout: MIGRATION_TIMEOUT_MS };
  return config;
};

/** The advisory lock the migrations are applied under ('lienthong' as a number): one process at a time migrates. */
const MIGRATION_LOCK = 0x6c69656e;

interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** The numbered `NNN_name.sql` files beside this module, in order. */
export async function loadMigrations(): Promise<Migration[]> {
  const files = (await readdir(MIGRATIONS_DIR)).filter((file) => /^\d{3}_[\w-]+\.sql$/.test(file)).sort();
  return Promise.all(
    files.map(async (file) => ({ version: Number(file.slice(0, 3)), name: file.slice(4, -4), sql: await readFile(MIGRATIONS_DIR + file, 'utf8') })),
  );
}

/** A database a newer lienthong migrated: this code would work on a schema it was not written for. */
function refuseUnknown(rows: Array<{ version: number; name: string }>, migrations: Migration[], where: string): void {
  const known = new Set(migrations.map((migration) => migration.version));
  const newest = rows.at(-1);
  if (!newest || rows.every((row) => known.has(row.version))) return;
  throw new ConfigError(
    `${where} has schema version ${newest.version} (migration ${String(newest.version).padStart(3, '0')}_${newest.name}), newer than this lienthong's ${migrations.at(-1)?.version ?? 0}: ` +
      'a newer lienthong migrated it; run that version (upgrade lienthong), or restore the pg_dump taken before the upgrade',
  );
}

const APPLIED = 'SELECT version, name FROM schema_migrations ORDER BY version';

/**
 * Applies the migrations not yet applied, each in its own transaction, holding a session advisory lock: processes
 * that start together take turns, and each finds what the one before it applied. A database holding a migration this
 * code does not know is refused first, having written nothing. `beforeApplying` runs before the first migration is
 * applied (a CLI verb refuses to migrate under running gateways). Returns the versions applied.
 */
export async function migrate(pool: pg.Pool, where: string, beforeApplying?: (versions: number[], client: pg.PoolClient) => Promise<void>): Promise<number[]> {
  const client = await pool.connect();
  try {
    // Another process may be applying a long migration: wait for it as long as it takes.
    await client.query(untimed('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]));
    try {
      await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at bigint NOT NULL)');
      const rows = (await client.query<{ version: number; name: string }>(APPLIED)).rows;
      const migrations = await loadMigrations();
      refuseUnknown(rows, migrations, where);
      const applied = new Set(rows.map((row) => row.version));
      const pending = migrations.filter((migration) => !applied.has(migration.version));
      if (pending.length > 0) await beforeApplying?.(pending.map((migration) => migration.version), client);
      const done: number[] = [];
      for (const migration of pending) {
        await client.query('BEGIN');
        try {
          await client.query(untimed(migration.sql));
          await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [migration.version, migration.name, Date.now()]);
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK').catch(() => undefined);
          throw new Error(`migration ${migration.version} (${migration.name}) failed`, { cause: error });
        }
        done.push(migration.version);
      }
      return done;
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    }
  } finally {
    client.release();
  }
}

/** Throws unless the database holds exactly the migrations shipped with this version: none missing, none newer. */
export async function checkMigrated(all: <Row>(sql: string) => Promise<Row[]>, where: string): Promise<void> {
  const rows = await all<{ version: number; name: string }>(APPLIED);
  const migrations = await loadMigrations();
  refuseUnknown(rows, migrations, where);
  const applied = new Set(rows.map((row) => row.version));
  const missing = migrations.filter((migration) => !applied.has(migration.version));
  if (missing.length > 0) throw new Error(`migrations not applied: ${missing.map((m) => m.version).join(', ')}`);
}

/** Whether the gateway ever migrated this database (schema): its table of migrations is there. */
export async function isMigrated(pool: pg.Pool): Promise<boolean> {
  const { rows } = await pool.query<{ found: string | null }>("SELECT to_regclass('schema_migrations')::text AS found");
  return rows[0]?.found !== null && rows[0]?.found !== undefined;
}

/**
 * A CLI verb of a newer lienthong on a database gateway processes are using: migrating it would change the schema
 * under code not written for it. Said in one line; nothing is applied.
 */
export async function refuseMigratingUnderGateways(versions: number[], client: pg.PoolClient, where: string): Promise<void> {
  const { rows } = await client.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'lienthong' AND pid <> pg_backend_pid()",
  );
  if ((rows[0]?.n ?? 0) === 0) return;
  throw new ConfigError(
    `${where} needs migration${versions.length > 1 ? 's' : ''} ${versions.join(', ')} of this lienthong, but gateway processes of an older version are connected to it: ` +
      'stop them and start this version (its migrations run at start), then run this command again',
  );
}
