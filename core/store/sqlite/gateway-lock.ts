import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname, resolve } from 'node:path';
import sqlite3 from 'sqlite3';
import { ConfigError } from '../../config/config-error.ts';
import { inVietnamTime } from '../../cli/time.ts';
import { type Connection, openConnection } from './connection.ts';

/** The gateway process that holds a store file, as it wrote itself down when it took it. */
interface Holder {
  pid: number;
  host: string;
  started_at: string;
  token: string;
}

export interface GatewayLock {
  /** Gives the file up (graceful stop). A process that dies gives it up too: the kernel drops its lock. */
  release(): Promise<void>;
}

/** `<db>.lock`: the file whose lock says a gateway process runs on `<db>`. */
export const lockFileOf = (file: string) => `${file}.lock`;

/**
 * One gateway process per SQLite file. The claim is an operating-system lock held for as long as the process
 * lives: a read transaction on a small SQLite database beside the store (`<db>.lock`), taken only after an
 * exclusive transaction there found no other reader and wrote down who we are. The kernel drops the lock when the
 * process ends however it ends (kill -9, a crash, a power cut), so no stale claim ever blocks a start, and keeps it
 * for a stopped process (SIGSTOP, a frozen VM), which still counts as running. A pid file would have to guess
 * liveness from a pid that may be reused (after a reboot, in another container), and a heartbeat row would call a
 * stopped process dead.
 *
 * Nothing in this process may open `<db>.lock` other than through SQLite: closing any other descriptor of the file
 * would drop the process's locks on it (POSIX), which SQLite alone knows to avoid.
 */
export async function claimStoreFile(file: string): Promise<GatewayLock> {
  const lockFile = lockFileOf(file);
  await mkdir(dirname(lockFile), { recursive: true });
  // A rollback journal, not WAL: there a reader's lock is what an exclusive transaction cannot get past. No waiting.
  const db = await openConnection(lockFile, { busyTimeoutMs: 0, wal: false });
  try {
    const token = randomUUID();
    if (await writeDownUnlessHeld(db, token)) {
      // Between that COMMIT and this read another process may have written itself down; the one whose token is
      // still there when it holds its read lock wins, and every later exclusive transaction fails on that lock.
      await db.exec('BEGIN DEFERRED');
      const holder = await db.get<Holder>('SELECT * FROM holder');
      if (holder?.token === token) return { release: () => releaseLock(db) };
      await db.exec('ROLLBACK');
    }
    throw new StoreFileInUse(file, await readHolder(db));
  } catch (error) {
    await db.close().catch(() => undefined);
    throw error;
  }
}

/** False when another process holds the lock: an exclusive transaction cannot begin while it reads. */
async function writeDownUnlessHeld(db: Connection, token: string): Promise<boolean> {
  try {
    await db.exec('BEGIN EXCLUSIVE');
  } catch (error) {
    if ((error as { code?: string }).code === 'SQLITE_BUSY') return false;
    throw error;
  }
  try {
    await db.exec('CREATE TABLE IF NOT EXISTS holder (only INTEGER PRIMARY KEY CHECK (only = 1), pid INTEGER NOT NULL, host TEXT NOT NULL, started_at TEXT NOT NULL, token TEXT NOT NULL)');
    await db.run('INSERT OR REPLACE INTO holder (only, pid, host, started_at, token) VALUES (1, ?, ?, ?, ?)', [process.pid, hostname(), new Date().toISOString(), token]);
    await db.exec('COMMIT');
    return true;
  } catch (error) {
    await db.exec('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/** Who holds the file; undefined when that cannot be read (another process is writing itself down right now). */
async function readHolder(db: Connection): Promise<Holder | undefined> {
  return db.get<Holder>('SELECT * FROM holder').catch(() => undefined);
}

/** A gateway process holds the file: the message is a start's refusal; `holder` says who, for other verbs' lines. */
export class StoreFileInUse extends ConfigError {
  override name = 'StoreFileInUse';
  /** `the gateway process with pid 4242 on host gw1 (running since …)`. */
  readonly holder: string;

  constructor(file: string, holder: Holder | undefined) {
    const self = holder?.pid === process.pid && holder.host === hostname() ? ', this very process' : '';
    const who = holder ? `the gateway process with pid ${holder.pid} on host ${holder.host} (running since ${inVietnamTime(holder.started_at)}${self})` : 'another gateway process';
    super(
      `${resolve(file)} is in use by ${who}: one gateway process per SQLite file; stop that one first, ` +
        'or run several gateway processes on PostgreSQL (LIENTHONG_DATABASE_URL). CLI verbs may still use the file meanwhile',
    );
    this.holder = who;
  }
}

/**
 * Whether a gateway process holds `file`, asked without claiming it (and without creating `<db>.lock`): the
 * StoreFileInUse that a claim would meet, or undefined.
 */
export async function gatewayHolding(file: string): Promise<StoreFileInUse | undefined> {
  const lockFile = lockFileOf(file);
  if (!existsSync(lockFile)) return undefined;
  const db = await openConnection(lockFile, { busyTimeoutMs: 0, wal: false, mode: sqlite3.OPEN_READWRITE });
  try {
    try {
      await db.exec('BEGIN EXCLUSIVE');
    } catch (error) {
      if ((error as { code?: string }).code === 'SQLITE_BUSY') return new StoreFileInUse(file, await readHolder(db));
      throw error;
    }
    await db.exec('ROLLBACK');
    return undefined;
  } finally {
    await db.close();
  }
}

async function releaseLock(db: Connection): Promise<void> {
  await db.exec('ROLLBACK').catch(() => undefined);
  await db.close();
}
