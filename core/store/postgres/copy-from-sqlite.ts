/**
 * `lienthong store copy`: a whole SQLite store into an empty PostgreSQL database — messages (their sequence numbers
 * kept), attempts, Idempotency-Keys and their answers, API keys, plugin records, pauses, and the audit chain and its
 * key history exactly as they were chained — so that `audit verify` passes on the copy. The source is read in one
 * read transaction (one consistent snapshot) and the target written in one transaction: a copy that fails leaves
 * the target as empty as it was. The overview's counters are made by the target's own triggers as the rows go in.
 */
import sqlite3 from 'sqlite3';
import { ConfigError } from '../../config/config-error.ts';
import { openConnection, type Connection as SqliteConnection } from '../sqlite/connection.ts';
import { checkMigrated as checkSqliteMigrated } from '../sqlite/migrate.ts';
import { type Queries, Session, createPool } from './connection.ts';
import { databaseTarget } from './database-url.ts';
import { migrate } from './migrate.ts';
import { classifyPostgresError } from './unavailable-errors.ts';

/** Rows per INSERT: one JSON parameter each, a few MB at most. */
const PAGE = 2000;

interface Table {
  name: string;
  /** Columns and their PostgreSQL types, in the target's terms. */
  columns: Array<[string, string]>;
  /** How the source is read in order: by rowid, or by a key of its own (a table without rowid). */
  key: { rowid: true } | { columns: string[] };
  /** Inserted with the source's values for an identity column. */
  identity?: boolean;
}

const text = (name: string): [string, string] => [name, 'text'];
const bigint = (name: string): [string, string] => [name, 'bigint'];
const int = (name: string): [string, string] => [name, 'integer'];

/** In the order foreign keys need: a message before its attempts. */
const TABLES: Table[] = [
  {
    name: 'messages',
    identity: true,
    key: { rowid: true },
    columns: [
      bigint('seq'), text('id'), text('capability'), text('operation'), text('agency'), text('instance'), text('plugin'), text('payload'),
      text('reference'), text('dossier_code'), text('ordering_key'), int('ordering_rank'), text('status'), int('attempts'), int('total_attempts'),
      int('max_attempts'), bigint('next_attempt_at'), text('lease_owner'), bigint('lease_until'), text('last_error'), text('result'), int('replays'),
      bigint('cancelled_at'), bigint('payload_purged_at'), bigint('created_at'), bigint('updated_at'), bigint('expires_at'),
    ],
  },
  {
    name: 'attempts',
    key: { rowid: true },
    columns: [text('message_id'), int('round'), int('number'), bigint('started_at'), bigint('finished_at'), text('outcome'), text('error'), text('provider_code')],
  },
  { name: 'idempotency_keys', key: { rowid: true }, columns: [text('scope'), text('key'), text('request_hash'), text('message_id'), int('status'), text('body'), bigint('created_at')] },
  { name: 'api_keys', key: { rowid: true }, columns: [text('id'), text('hash'), text('role'), text('agencies'), text('label'), bigint('created_at'), bigint('revoked_at')] },
  {
    name: 'plugin_records',
    key: { columns: ['instance', 'key'] },
    columns: [text('instance'), text('key'), text('status'), text('data'), text('dossier_code'), bigint('created_at'), bigint('updated_at')],
  },
  { name: 'instance_pauses', key: { rowid: true }, columns: [text('instance'), bigint('paused_at'), text('paused_by'), text('reason')] },
  {
    name: 'audit_log',
    key: { rowid: true },
    columns: [bigint('seq'), bigint('at'), text('actor'), text('action'), text('message_id'), text('instance'), text('summary'), text('prev_hash'), text('hash')],
  },
  { name: 'audit_keys', key: { rowid: true }, columns: [bigint('from_seq'), text('key_id'), bigint('recorded_at')] },
];

export type CopyCounts = Record<string, number>;

export interface CopyProgress {
  table: string;
  copied: number;
  total: number;
}

/** Copies the store in `file` into the empty database `url`; answers the rows copied per table, checked on both sides. */
export async function copySqliteToPostgres(file: string, url: string, onProgress?: (progress: CopyProgress) => void): Promise<CopyCounts> {
  const target = databaseTarget(url);
  const source = await openConnection(file, { mode: sqlite3.OPEN_READONLY });
  const pool = createPool({ connectionString: target.connectionString, poolSize: 2 });
  const session = new Session(pool, target.display);
  try {
    await checkSqliteMigrated(source).catch((error: unknown) => {
      throw new ConfigError(`${file} is not at this lienthong's schema version (${(error as Error).message}): start this version's gateway on it once (or run any verb on it), then copy`);
    });
    await migrate(pool, target.display).catch((error: unknown) => {
      throw classifyPostgresError(error, target.display, { starting: true });
    });
    await refuseNonEmpty(session, target.display);
    await source.exec('BEGIN');
    try {
      const totals = Object.fromEntries(await Promise.all(TABLES.map(async (table) => [table.name, await count(source, table.name)] as const)));
      await session.run('BEGIN');
      try {
        for (const table of TABLES) await copyTable(source, session, table, totals[table.name] ?? 0, onProgress);
        await session.run("SELECT setval(pg_get_serial_sequence('messages', 'seq'), GREATEST((SELECT MAX(seq) FROM messages), 1))");
        // The chain goes on from the source's last entry, under the key its history names last.
        await session.run(
          `UPDATE audit_head SET seq = COALESCE((SELECT MAX(seq) FROM audit_log), 0),
                  hash = COALESCE((SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1), repeat('0', 64)),
                  key_id = (SELECT key_id FROM audit_keys ORDER BY from_seq DESC LIMIT 1)
            WHERE id = 1`,
        );
        for (const table of TABLES) {
          const copied = (await session.get<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table.name}`))?.n ?? 0;
          if (copied !== totals[table.name]) throw new Error(`${table.name}: ${totals[table.name]} row(s) in ${file}, ${copied} copied`);
        }
        await session.run('COMMIT');
      } catch (error) {
        await session.run('ROLLBACK').catch(() => undefined);
        throw error;
      }
      return totals;
    } finally {
      await source.exec('COMMIT').catch(() => undefined);
    }
  } finally {
    session.close();
    await pool.end().catch(() => undefined);
    await source.close();
  }
}

async function refuseNonEmpty(db: Queries, where: string): Promise<void> {
  const held = await db.get<{ messages: number; entries: number; keys: number; records: number }>(
    `SELECT (SELECT COUNT(*) FROM messages) AS messages, (SELECT COUNT(*) FROM audit_log) AS entries,
            (SELECT COUNT(*) FROM api_keys) AS keys, (SELECT COUNT(*) FROM plugin_records) AS records`,
  );
  const empty = !held || (held.messages === 0 && held.entries === 0 && held.keys === 0 && held.records === 0);
  if (!empty) {
    throw new ConfigError(
      `${where} is not empty (${held.messages} message(s), ${held.entries} audit entries, ${held.keys} API key(s), ${held.records} plugin record(s)): ` +
        'copy into a database of its own (createdb), never over a store in use',
    );
  }
}

async function count(db: SqliteConnection, table: string): Promise<number> {
  return (await db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`))?.n ?? 0;
}

async function copyTable(source: SqliteConnection, target: Queries, table: Table, total: number, onProgress?: (progress: CopyProgress) => void): Promise<void> {
  const names = table.columns.map(([name]) => name);
  const list = names.map((name) => `"${name}"`).join(', ');
  const insert = `INSERT INTO ${table.name} (${list}) ${table.identity ? 'OVERRIDING SYSTEM VALUE ' : ''}
    SELECT ${list} FROM jsonb_to_recordset(?::jsonb) AS r(${table.columns.map(([name, type]) => `"${name}" ${type}`).join(', ')})`;
  const keyColumns = 'rowid' in table.key ? ['rowid'] : table.key.columns;
  const select = `SELECT ${keyColumns.map((column, i) => `${column} AS _k${i}`).join(', ')}, ${names.join(', ')} FROM ${table.name}
    WHERE (${keyColumns.join(', ')}) > (${keyColumns.map(() => '?').join(', ')}) ORDER BY ${keyColumns.join(', ')} LIMIT ?`;
  let after: unknown[] = 'rowid' in table.key ? [Number.MIN_SAFE_INTEGER] : keyColumns.map(() => '');
  let copied = 0;
  for (;;) {
    const rows = await source.all<Record<string, unknown>>(select, [...after, PAGE]);
    if (rows.length === 0) break;
    const last = rows.at(-1) as Record<string, unknown>;
    after = keyColumns.map((_, i) => last[`_k${i}`]);
    await target.run(insert, [JSON.stringify(rows.map((row) => Object.fromEntries(names.map((name) => [name, row[name] ?? null]))))]);
    copied += rows.length;
    onProgress?.({ table: table.name, copied, total });
  }
}
