import { type OpenOptions, openStore, storeLocation } from '../store/open.ts';
import type { Store } from '../store/types.ts';
import type { CliIo } from './io.ts';
import { UsageError } from './usage.ts';

/** The verb's environment with `--db` in `LIENTHONG_DB`, so that whatever opens the store opens that file. */
export function storeEnv(io: CliIo, db: string | undefined): CliIo['env'] {
  if (db === '') throw new UsageError('--db takes a file, e.g. --db ./data/lienthong.db');
  return db === undefined ? io.env : { ...io.env, LIENTHONG_DB: db };
}

/** Says on stderr which store the verb uses (stdout stays the verb's answer, e.g. its --json). */
export function sayStore(io: CliIo, env: CliIo['env'], options: { sandbox?: boolean } = {}): void {
  io.stderr.write(`store: ${storeLocation(env, options)}\n`);
}

/**
 * The store a reading verb works on: it must exist (a reading verb never creates one), and is named on stderr.
 * Given an audit key the store's log is not chained with, it is refused (one line, exit 1) and nothing is written.
 */
export async function openExistingStore(io: CliIo, db: string | undefined, options: Pick<OpenOptions, 'olderAuditKeys'> = {}): Promise<Store> {
  const env = storeEnv(io, db);
  const store = await openStore(env, { ...options, existing: true });
  sayStore(io, env);
  return store;
}

export async function withExistingStore<T>(io: CliIo, db: string | undefined, work: (store: Store) => Promise<T>): Promise<T> {
  const store = await openExistingStore(io, db);
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}
