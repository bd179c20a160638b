import { resolve } from 'node:path';
import { describeDisk, diskIsFull } from '../disk.ts';
import { StoreUnavailableError, type UnavailableReason } from '../unavailable.ts';

/** sqlite3's codes (primary result codes) and the system's errno codes of a file write, by what they mean here. */
const REASONS: Record<string, UnavailableReason> = {
  SQLITE_FULL: 'disk-full',
  ENOSPC: 'disk-full',
  EDQUOT: 'disk-full',
  SQLITE_BUSY: 'busy',
  SQLITE_READONLY: 'read-only',
  EROFS: 'read-only',
  EACCES: 'read-only',
  EPERM: 'read-only',
  SQLITE_IOERR: 'io-error',
  EIO: 'io-error',
  SQLITE_CANTOPEN: 'cannot-open',
};

export interface Situation {
  /** The store's file. */
  file: string;
  /** How long a write waits for another process's write lock before it gives up. */
  busyTimeoutMs: number;
  /** At start, the operator starts again; later, the gateway resumes by itself. */
  starting?: boolean;
}

/**
 * `error` as a StoreUnavailableError when it says the store cannot write now, with the operator's line; any other
 * error as it is. An I/O error or a file that cannot be opened on a disk with no room left is a full disk: SQLite
 * reports running out of space for its -shm or -wal file that way.
 */
export function classifyStoreError(error: unknown, situation: Situation): unknown {
  if (error instanceof StoreUnavailableError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  let reason = typeof code === 'string' ? REASONS[code] : undefined;
  if (reason === undefined) return error;
  if ((reason === 'io-error' || reason === 'cannot-open') && diskIsFull(situation.file)) reason = 'disk-full';
  return new StoreUnavailableError(reason, operatorLine(reason, String(code), situation), { cause: error });
}

/** The line an operator reads for a store that cannot write: what happened, where, and what to do. */
export function operatorLine(reason: UnavailableReason, code: string, situation: Situation): string {
  const file = resolve(situation.file);
  const then = situation.starting ? 'then start the gateway again' : 'the gateway writes again by itself once it can';
  switch (reason) {
    case 'disk-full':
      return `the disk holding ${describeDisk(file)} is full: free space on it (old backups, logs, other files), ${then}`;
    case 'busy':
      return `another process has held the write lock of ${file} for over ${situation.busyTimeoutMs / 1000} s (stopped, hung, or a long command): find it (fuser ${file}) and let it finish or stop it; ${situation.starting ? 'then start the gateway again' : 'the gateway writes again by itself once the lock is free'}`;
    case 'read-only':
      return `${file} cannot be written (${code}: a read-only file or filesystem, or its permissions): give the gateway's user write access to it and its folder, ${then}`;
    case 'io-error':
      return `the disk holding ${file} reports an I/O error (${code}): check the disk and the system log (dmesg), ${then}`;
    case 'unreachable':
    case 'cannot-open':
      return `${file} or its -wal/-shm files cannot be opened (${code}): check that its folder exists and the gateway's user may write there, ${then}`;
  }
}
