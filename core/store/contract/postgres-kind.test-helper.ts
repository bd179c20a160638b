/**
 * Test support, not production: PostgreSQL for the contract tests, when LIENTHONG_TEST_DATABASE_URL names a server.
 * Each test file creates a database of its own (`lienthong_test_<random>`, dropped after); each test a fresh schema.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { TEST_AUDIT_KEY } from '../../testing/test-audit-key.ts';
import { PG_TYPES, numbered } from '../postgres/connection.ts';
import { PostgresStore } from '../postgres/postgres-store.ts';
import type { Store } from '../types.ts';
import type { OpenedStore, StoreKind, StoreOptions } from './store-kinds.test-helper.ts';

export const POSTGRES_SKIP = 'PostgreSQL: set LIENTHONG_TEST_DATABASE_URL=postgres://user@host:5432/postgres to run these';

/** The server's URL with another database in it. */
export function withDatabase(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/** Runs `sql` on the server's own database (CREATE/DROP DATABASE cannot run in a transaction or a pool's). */
export async function onServer(serverUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * A database of its own for one test file, dropped by `drop`: `lienthong_test_<random>`, or, when the URL names a
 * CI run's database (`lienthong_ci_<pid>`), `<that name>_<random>`, so that the run drops whatever a failure left.
 */
export async function createTestDatabase(serverUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const named = new URL(serverUrl).pathname.slice(1);
  const name = `${/^lienthong_ci_\d+$/.test(named) ? `${named}_` : 'lienthong_test_'}${randomBytes(6).toString('hex')}`;
  await onServer(serverUrl, `CREATE DATABASE ${name}`);
  return { url: withDatabase(serverUrl, name), drop: () => onServer(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

export function postgresKind(serverUrl: string | undefined): StoreKind {
  if (!serverUrl) {
    const refuse = async (): Promise<never> => {
      throw new Error(POSTGRES_SKIP);
    };
    return { name: 'PostgreSQL', skip: POSTGRES_SKIP, start: async () => {}, stop: async () => {}, open: refuse };
  }
  let database: { url: string; drop(): Promise<void> } | undefined;
  let schemas = 0;
  return {
    name: 'PostgreSQL',
    async start() {
      database = await createTestDatabase(serverUrl);
    },
    async stop() {
      await database?.drop();
      database = undefined;
    },
    async open(options = {}) {
      if (!database) throw new Error('postgresKind: start() first');
      const url = database.url;
      const schema = `test_${++schemas}`;
      await onServer(url, `CREATE SCHEMA ${schema}`);
      const openOn = (more: StoreOptions) => PostgresStore.open({ url, schema, auditKey: TEST_AUDIT_KEY, ...options, ...more });
      let store: Store = await openOn({});
      const others: Store[] = [];
      const truth = new pg.Client({ connectionString: url, types: PG_TYPES, options: `-c search_path=${schema}` });
      await truth.connect();
      const opened: OpenedStore = {
        get store() {
          return store;
        },
        async sql<Row>(query: string, params: unknown[] = []) {
          return (await truth.query<Row & pg.QueryResultRow>(numbered(query), params)).rows;
        },
        async openAnother(another = {}) {
          const other = await openOn(another);
          others.push(other);
          return other;
        },
        async reopen(again = {}) {
          await store.close();
          store = await openOn(again);
          return store;
        },
        async dispose() {
          for (const other of others) await other.close().catch(() => undefined);
          await store.close().catch(() => undefined);
          await truth.end();
        },
      };
      return opened;
    },
  };
}
