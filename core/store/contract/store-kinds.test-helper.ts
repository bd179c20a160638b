/**
 * Test support, not production: the stores the contract tests run against. SQLite always; PostgreSQL when
 * LIENTHONG_TEST_DATABASE_URL names a server (`postgres://postgres@127.0.0.1:5432/postgres`): each test file gets a
 * database of its own (`lienthong_test_<random>`, dropped after), each test a fresh schema in it.
 */
import { TEST_AUDIT_KEY } from '../../testing/test-audit-key.ts';
import type { PayloadCipher } from '../payload-cipher.ts';
import { openConnection } from '../sqlite/connection.ts';
import { SqliteStore } from '../sqlite/sqlite-store.ts';
import { openTempStore } from '../temp-store.test-helper.ts';
import type { Store } from '../types.ts';
import { postgresKind } from './postgres-kind.test-helper.ts';

export interface StoreOptions {
  auditKey?: Buffer;
  dataKey?: PayloadCipher;
  resumeBatch?: number;
}

/** One test's store, and ways to reach its data as another process or an intruder would. */
export interface OpenedStore {
  store: Store;
  /** Raw SQL on the store's data (`?` placeholders), seeing what the store committed: the truth, or tampering. */
  sql<Row>(query: string, params?: unknown[]): Promise<Row[]>;
  /** Another store on the same data, as a second gateway process opens it; closed with this one. */
  openAnother(options?: StoreOptions): Promise<Store>;
  /** Closes the store and opens the same data again. */
  reopen(options?: StoreOptions): Promise<Store>;
  dispose(): Promise<void>;
}

export interface StoreKind {
  name: string;
  /** Set when this store's tests cannot run here, saying how to run them. */
  skip?: string | undefined;
  /** Once per test file, before its first test. */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** A fresh, empty store. */
  open(options?: StoreOptions): Promise<OpenedStore>;
}

const sqliteKind: StoreKind = {
  name: 'SQLite',
  async start() {},
  async stop() {},
  async open(options = {}) {
    const temp = await openTempStore();
    if (Object.keys(options).length > 0) {
      await temp.store.close();
      temp.store = await SqliteStore.open(temp.file, { auditKey: TEST_AUDIT_KEY, ...options });
    }
    const others: Store[] = [];
    let truth: Awaited<ReturnType<typeof openConnection>> | undefined;
    const opened: OpenedStore = {
      get store() {
        return temp.store;
      },
      async sql<Row>(query: string, params: unknown[] = []) {
        // A connection of its own, which sees what the store committed (WAL).
        truth ??= await openConnection(temp.file);
        return truth.all<Row>(query, params);
      },
      async openAnother(another = {}) {
        const store = await SqliteStore.open(temp.file, { auditKey: TEST_AUDIT_KEY, ...another });
        others.push(store);
        return store;
      },
      async reopen(again = {}) {
        await temp.store.close();
        temp.store = await SqliteStore.open(temp.file, { auditKey: TEST_AUDIT_KEY, ...again });
        return temp.store;
      },
      async dispose() {
        for (const store of others) await store.close().catch(() => undefined);
        await truth?.close();
        await temp.dispose();
      },
    };
    return opened;
  },
};

export const storeKinds = (): StoreKind[] => [sqliteKind, postgresKind(process.env.LIENTHONG_TEST_DATABASE_URL)];
