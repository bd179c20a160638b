import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Connection } from './connection.ts';

const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));

interface Migration {
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

/** Applies the migrations not yet applied, each in its own transaction. Returns the versions applied. */
export async function migrate(db: Connection): Promise<number[]> {
  await db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');
  const applied = new Set((await db.all<{ version: number }>('SELECT version FROM schema_migrations')).map((row) => row.version));
  const done: number[] = [];
  for (const migration of await loadMigrations()) {
    if (applied.has(migration.version)) continue;
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
      await db.exec('ROLLBACK');
      throw new Error(`migration ${migration.version} (${migration.name}) failed`, { cause: error });
    }
    done.push(migration.version);
  }
  return done;
}

/** Throws unless every migration shipped with this version is applied. */
export async function checkMigrated(db: Connection): Promise<void> {
  const rows = await db.all<{ version: number }>('SELECT version FROM schema_migrations');
  const applied = new Set(rows.map((row) => row.version));
  const missing = (await loadMigrations()).filter((migration) => !applied.has(migration.version));
  if (missing.length > 0) throw new Error(`migrations not applied: ${missing.map((m) => m.version).join(', ')}`);
}
