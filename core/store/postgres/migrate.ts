import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';

const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));

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

/**
 * Applies the migrations not yet applied, each in its own transaction, holding a session advisory lock: processes
 * that start together take turns, and each finds what the one before it applied. Returns the versions applied.
 */
export async function migrate(pool: pg.Pool): Promise<number[]> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at bigint NOT NULL)');
      const applied = new Set((await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((row) => row.version));
      const done: number[] = [];
      for (const migration of await loadMigrations()) {
        if (applied.has(migration.version)) continue;
        await client.query('BEGIN');
        try {
          await client.query(migration.sql);
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

/** Throws unless every migration shipped with this version is applied. */
export async function checkMigrated(all: <Row>(sql: string) => Promise<Row[]>): Promise<void> {
  const applied = new Set((await all<{ version: number }>('SELECT version FROM schema_migrations')).map((row) => row.version));
  const missing = (await loadMigrations()).filter((migration) => !applied.has(migration.version));
  if (missing.length > 0) throw new Error(`migrations not applied: ${missing.map((m) => m.version).join(', ')}`);
}

/** Whether the gateway ever migrated this database (schema): its table of migrations is there. */
export async function isMigrated(pool: pg.Pool): Promise<boolean> {
  const { rows } = await pool.query<{ found: string | null }>("SELECT to_regclass('schema_migrations')::text AS found");
  return rows[0]?.found !== null && rows[0]?.found !== undefined;
}
