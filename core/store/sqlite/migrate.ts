import { readdir, readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../../config/config-error.ts';
import type { Connection } from './connection.ts';

const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** The numbered `NNN_name.sql` files beside this module, in order. */
export async function loadMigrations(): Promise<Migration[]> {
  const files = (await readdir(MIGRATIONS_DIR)).filter((file) => /^\d{3}_[\w-]+\.sql$/.test(file)).sort();
  return Promise.all(
    files.map(async (file) => ({
      version: Number(file.slice(0, 3)),
      name: file.slice(4, -4),
      sql: await readFile(MIGRATIONS_DIR + file, 'utf8'),
    })),
  );
}

/** The schema version this code writes: its last migration's number. */
export async function codeSchemaVersion(): Promise<number> {
  return (await loadMigrations()).at(-1)?.version ?? 0;
}

/**
 * A store a newer lienthong migrated: it holds a migration this code does not know, so this code would read
 * and write a schema it was not written for. Refused before anything is written.
 */
export class StoreNewerThanCode extends ConfigError {
  override name = 'StoreNewerThanCode';

  constructor(
    readonly file: string | undefined,
    readonly storeVersion: number,
    readonly storeMigration: string,
    readonly codeVersion: number,
  ) {
    const store = file === undefined ? 'the store' : resolve(file);
    super(
      `${store} has schema version ${storeVersion} (migration ${storeMigration}), newer than this lienthong's ${codeVersion}: ` +
        'a newer lienthong wrote it; run that version (upgrade lienthong), or restore the backup taken before the upgrade (lienthong restore --from FILE)',
    );
  }
}

/** The migrations the store records as applied, in order. */
const appliedMigrations = (db: Connection) => db.all<{ version: number; name: string }>('SELECT version, name FROM schema_migrations ORDER BY version');

export interface MigrateOptions {
  /** The store's file, named when it is refused. */
  file?: string;
  /** Tests only: apply migrations up to this version and stop there, as an older lienthong left the store. */
  upTo?: number;
  /** Tests only: these migrations instead of the shipped ones. */
  migrations?: Migration[];
  /** Runs before the first migration is applied, given the versions to apply; throwing leaves the store as it was. */
  beforeApplying?: ((versions: number[]) => Promise<void>) | undefined;
}

/**
 * Applies the migrations not yet applied, each in one transaction with the row that records its version, so a
 * migration that fails leaves the store as it was, never half migrated. A store holding a migration this code
 * does not know is refused first (StoreNewerThanCode), having written nothing. Returns the versions applied.
 *
 * Nothing in a migration may end that transaction or need to run outside one (BEGIN, COMMIT, VACUUM, PRAGMAs such as
 * journal_mode or foreign_keys, which are silently ignored inside a transaction): migrate.test.ts checks the shipped
 * files. Connection settings belong in connection.ts, applied at every open.
 */
export async function migrate(db: Connection, options: MigrateOptions = {}): Promise<number[]> {
  const migrations = options.migrations ?? (await loadMigrations());
  // On a store that has the table, IF NOT EXISTS writes nothing: a refused store is left as it was.
  await db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');
  const rows = await appliedMigrations(db);
  refuseUnknown(rows, migrations, options.file);
  const applied = new Set(rows.map((row) => row.version));
  const pending = migrations.filter((migration) => !applied.has(migration.version) && (options.upTo === undefined || migration.version <= options.upTo));
  if (pending.length > 0) await options.beforeApplying?.(pending.map((migration) => migration.version));
  const done: number[] = [];
  for (const migration of pending) {
    await db.exec('BEGIN IMMEDIATE');
    try {
      // Another process opening the same file may have applied it since we looked: look again under the lock.
      if (await db.get('SELECT 1 FROM schema_migrations WHERE version = ?', [migration.version])) {
        await db.exec('COMMIT');
        continue;
      }
      await db.exec(migration.sql);
      await db.run('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)', [migration.version, migration.name, Date.now()]);
      await db.exec('COMMIT');
    } catch (error) {
      await db.exec('ROLLBACK').catch(() => undefined);
      throw new Error(`migration ${migration.version} (${migration.name}) failed`, { cause: error });
    }
    done.push(migration.version);
  }
  return done;
}

/** Throws StoreNewerThanCode when the store records a migration that `migrations` does not hold. */
function refuseUnknown(rows: { version: number; name: string }[], migrations: Migration[], file: string | undefined): void {
  const known = new Set(migrations.map((migration) => migration.version));
  const unknown = rows.filter((row) => !known.has(row.version));
  if (unknown.length === 0) return;
  const newest = rows.at(-1) ?? unknown[0]!;
  const codeVersion = migrations.at(-1)?.version ?? 0;
  throw new StoreNewerThanCode(file, newest.version, `${String(newest.version).padStart(3, '0')}_${newest.name}`, codeVersion);
}

/** Throws StoreNewerThanCode when the store `db` holds a migration this code does not know; writes nothing. */
export async function refuseNewerStore(db: Connection, file: string): Promise<void> {
  const rows = await appliedMigrations(db);
  refuseUnknown(rows, await loadMigrations(), file);
}

/** Throws unless the store holds exactly the migrations shipped with this version: none missing, none newer. */
export async function checkMigrated(db: Connection): Promise<void> {
  const rows = await appliedMigrations(db);
  const migrations = await loadMigrations();
  refuseUnknown(rows, migrations, undefined);
  const applied = new Set(rows.map((row) => row.version));
  const missing = migrations.filter((migration) => !applied.has(migration.version));
  if (missing.length > 0) throw new Error(`migrations not applied: ${missing.map((m) => m.version).join(', ')}`);
}
