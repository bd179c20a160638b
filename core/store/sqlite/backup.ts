import { existsSync } from 'node:fs';
import { link, mkdir, rename, stat, unlink } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { ConfigError } from '../../config/config-error.ts';
import { openConnection } from './connection.ts';
import { createPartialFile, removeDatabaseFiles, syncToDisk } from './durable-files.ts';
import { type CopyProgress, copyDatabase } from './online-copy.ts';
import { quickCheck, storeFacts } from './store-facts.ts';

export interface BackupSummary {
  bytes: number;
  schemaVersion: number;
  messages: number;
  auditEntries: number;
  /** The id of the audit key the backup's log goes on with: the key a restore must be given. */
  auditKeyId: string | undefined;
}

/**
 * Copies the store `source` to `target` while a gateway may be writing to it: one consistent snapshot (online-copy.ts),
 * made a self-contained file (no -wal beside it), checked by SQLite (quick_check), written to the disk and only then
 * given its name, mode 0600. An existing `target` is refused unless `replace`; a failed copy leaves nothing behind.
 */
export async function backupStore(source: string, target: string, options: { replace?: boolean; onProgress?: (progress: CopyProgress) => void } = {}): Promise<BackupSummary> {
  if (resolve(source) === resolve(target)) throw new ConfigError(`--to ${target} is the store itself: give the backup another file`);
  if (!options.replace && existsSync(target)) throw targetExists(target);
  await mkdir(dirname(target), { recursive: true });
  const partial = await createPartialFile(target, 'backup');
  try {
    await copyDatabase(source, partial, options.onProgress);
    const summary = await sealCopy(partial);
    await syncToDisk(partial);
    if (options.replace) {
      await rename(partial, target);
    } else {
      // A link, unlike a rename, never replaces a file that appeared meanwhile.
      await link(partial, target).catch((error: NodeJS.ErrnoException) => {
        throw error.code === 'EEXIST' ? targetExists(target) : error;
      });
      await unlink(partial);
    }
    await syncToDisk(dirname(target));
    return summary;
  } catch (error) {
    await removeDatabaseFiles(partial);
    throw error;
  }
}

const targetExists = (target: string) => new ConfigError(`${resolve(target)} exists: give another file, or --force to replace it`);

/**
 * The copy as a file of its own: out of WAL mode (the store's header says WAL; a backup is one file), checked, and
 * described. A copy SQLite finds damaged is refused rather than kept as a backup nobody could restore.
 */
async function sealCopy(file: string): Promise<BackupSummary> {
  const db = await openConnection(file, { wal: false });
  try {
    await db.exec('PRAGMA journal_mode = DELETE');
    const check = await quickCheck(db);
    if (check !== 'ok') throw new Error(`the copy does not pass SQLite's quick_check (${check}): the store itself may be damaged; run PRAGMA integrity_check on it`);
    const audit = await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM audit_log');
    const key = await db.get<{ key_id: string }>('SELECT key_id FROM audit_keys ORDER BY from_seq DESC LIMIT 1');
    return { bytes: (await stat(file)).size, ...(await storeFacts(db)), auditEntries: audit?.n ?? 0, auditKeyId: key?.key_id };
  } finally {
    await db.close();
  }
}
