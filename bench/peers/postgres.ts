/**
 * The PostgreSQL the reference peers run on: reached through BENCH_PEERS_DATABASE_URL (a database the bench may
 * connect to and create databases from), a fresh database `lienthong_bench_<pid>` made for the run and dropped
 * after it.
 */
import pg from 'pg';
import { readStat } from '../proc-cpu.ts';

/** Connecting longer than this means there is no PostgreSQL to run the peers on: they are skipped, not failed. */
export const CONNECT_TIMEOUT_MS = 2_000;

export interface PostgresFacts {
  version: string;
  /** What a commit costs: with fsync and synchronous_commit on, a commit waits for its WAL on disk, like SQLite's synchronous=FULL. */
  fsync: string;
  synchronousCommit: string;
  walSyncMethod: string;
  /** Off on some test servers: no ANALYZE but the gateway's own (before a large resume), no dead rows reclaimed. */
  autovacuum: string;
}

export interface BenchDatabase {
  name: string;
  /** The admin URL with the bench database's name in it. */
  url: string;
  /** The postmaster's pid (the parent of every backend); undefined where /proc cannot show it. */
  postmasterPid: number | undefined;
  facts: PostgresFacts;
  /** Drops the database, ending any connection still open to it. */
  drop(): Promise<void>;
}

/** Where the admin URL points, without its user or password, for messages. */
export function describeServer(adminUrl: string): string {
  const url = new URL(adminUrl);
  return `${url.hostname}:${url.port || '5432'}`;
}

/**
 * Connects to the admin URL within CONNECT_TIMEOUT_MS (the database is `lienthong_bench_<pid><suffix>`); returns why not when that fails (the caller skips the peers).
 * Once connected, any failure (no right to create a database, say) is thrown: that is a setup to fix, not a skip.
 */
export async function createBenchDatabase(adminUrl: string, suffix = ''): Promise<BenchDatabase | { unreachable: string }> {
  const admin = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  try {
    await admin.connect();
  } catch (error) {
    await admin.end().catch(() => undefined);
    return { unreachable: error instanceof Error ? error.message : String(error) };
  }
  try {
    const name = `lienthong_bench_${process.pid}${suffix}`;
    const backend = await admin.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    const setting = async (key: string) => (await admin.query<Record<string, string>>(`SHOW ${key}`)).rows[0]?.[key] ?? 'unknown';
    const facts: PostgresFacts = {
      version: await setting('server_version'),
      fsync: await setting('fsync'),
      synchronousCommit: await setting('synchronous_commit'),
      walSyncMethod: await setting('wal_sync_method'),
      autovacuum: await setting('autovacuum'),
    };
    // A run stopped with SIGKILL leaves its database behind; a pid seen again reuses the name.
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${name}`);
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    return {
      name,
      url: url.toString(),
      postmasterPid: parentPid(backend.rows[0]?.pid),
      facts,
      async drop() {
        const dropper = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
        await dropper.connect();
        try {
          await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        } finally {
          await dropper.end();
        }
      },
    };
  } finally {
    await admin.end();
  }
}

/** The parent of a process from /proc/<pid>/stat: for a backend, the postmaster. */
function parentPid(pid: number | undefined): number | undefined {
  return pid === undefined ? undefined : readStat(pid)?.ppid;
}
