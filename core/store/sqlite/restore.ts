import { existsSync } from 'node:fs';
import { chmod, copyFile, rename, rm } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { ConfigError } from '../../config/config-error.ts';
import type { AuditKeys } from '../audit-key.ts';
import { type BackupFacts, checkBackup } from './backup-check.ts';
import { createPartialFile, removeDatabaseFiles, sidecarsOf, syncToDisk } from './durable-files.ts';
import { StoreFileInUse, claimStoreFile, gatewayHolding } from './gateway-lock.ts';

/**
 * Puts the backup `backup` back as the store `target`, on a stopped gateway. Refused, in one line and having written
 * nothing: while a gateway process holds `target`, onto an existing store unless `replace`, and a backup that
 * checkBackup refuses (its audit chain included). Then, holding the file as a gateway would (so none starts
 * meanwhile): the backup is copied beside `target` (mode 0600), written to the disk, the old store's -wal and -shm
 * removed (SQLite would otherwise replay the old store's last writes onto the restored one), and the copy renamed onto
 * `target` in one step: a crash leaves the old store or the restored one, never a mix.
 */
export async function restoreStore(backup: string, target: string, keys: Pick<AuditKeys, 'key' | 'name' | 'older'>, options: { replace?: boolean } = {}): Promise<BackupFacts> {
  if (resolve(backup) === resolve(target)) throw new ConfigError(`--from ${backup} is the store itself: give the backup file`);
  const held = await gatewayHolding(target);
  if (held) throw runningGateway(target, held);
  if (!options.replace && existsSync(target)) throw storeExists(target);
  const facts = await checkBackup(backup, keys);
  const lock = await claimStoreFile(target).catch((error: unknown) => {
    throw error instanceof StoreFileInUse ? runningGateway(target, error) : error;
  });
  let partial: string | undefined;
  try {
    if (!options.replace && existsSync(target)) throw storeExists(target);
    partial = await createPartialFile(target, 'restore');
    await copyFile(backup, partial);
    // copyFile gives the copy the backup's mode: the store is the gateway's alone.
    await chmod(partial, 0o600);
    await syncToDisk(partial);
    await Promise.all(sidecarsOf(target).map((file) => rm(file, { force: true })));
    await rename(partial, target);
    partial = undefined;
    await syncToDisk(dirname(target));
    return facts;
  } finally {
    if (partial) await removeDatabaseFiles(partial);
    await lock.release();
  }
}

function runningGateway(target: string, held: StoreFileInUse): ConfigError {
  return new ConfigError(`cannot restore onto ${resolve(target)}: ${held.holder} runs on it; stop that gateway first, then restore`);
}

function storeExists(target: string): ConfigError {
  return new ConfigError(`${resolve(target)} exists: restore onto a new path with --db, or give --force to replace that store`);
}
