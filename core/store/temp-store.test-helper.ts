/** Test support, not production: a real SQLite store in a fresh temporary directory, removed afterwards. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore, type SqliteStoreOptions } from './sqlite/sqlite-store.ts';
import { TEST_AUDIT_KEY } from '../testing/test-audit-key.ts';

export interface TempStore {
  store: SqliteStore;
  dir: string;
  file: string;
  /** Closes the store (if still open) and removes the directory. */
  dispose(): Promise<void>;
}

/** `options`: the store's waits, e.g. a short busy timeout for a test that holds its write lock from another connection. */
export async function openTempStore(options: Pick<SqliteStoreOptions, 'busyTimeoutMs' | 'probeIntervalMs'> = {}): Promise<TempStore> {
  const dir = await mkdtemp(join(tmpdir(), 'lienthong-store-'));
  const file = join(dir, 'lienthong.db');
  const handle: TempStore = {
    store: await SqliteStore.open(file, { auditKey: TEST_AUDIT_KEY, ...options }),
    dir,
    file,
    async dispose() {
      await handle.store.close().catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
  return handle;
}
