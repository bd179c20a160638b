import { randomUUID } from 'node:crypto';
import { open, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Waits until a file's bytes, or a folder's entries (a file renamed or linked into it), are on the disk. */
export async function syncToDisk(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * A new empty file beside `file`, mode 0600 (the store holds personal data and its audit log), to be written whole
 * and then renamed onto `file`: on the same filesystem, so the rename is atomic.
 */
export async function createPartialFile(file: string, purpose: string): Promise<string> {
  const partial = join(dirname(file), `.${basename(file)}.${purpose}-${randomUUID().slice(0, 8)}`);
  await (await open(partial, 'wx', 0o600)).close();
  return partial;
}

/** The journal files SQLite keeps beside a database. */
export const sidecarsOf = (file: string) => [`${file}-wal`, `${file}-shm`, `${file}-journal`];

/** Removes a database file and whatever journal files SQLite left beside it. */
export async function removeDatabaseFiles(file: string): Promise<void> {
  await Promise.all([file, ...sidecarsOf(file)].map((path) => rm(path, { force: true })));
}
