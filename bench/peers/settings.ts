import { positiveFromEnv, wholeFromEnv } from '../env.ts';

/** At most this many jobs per delivery run, each side. */
const MAX_JOBS = 20_000;
/** The setting for the graphile-worker peer, and lienthong's delivery concurrency beside it. */
export const DELIVERY_CONCURRENCY = 32;
export const GRAPHILE_LOCAL_QUEUE = 200;

/** The reference peers' settings (BENCH_PEERS_*); the accept runs use BENCH_CONNECTIONS like the accept part. */
export interface PeersSettings {
  rounds: number;
  /** Measured seconds per accept run, after `warmupSeconds` kept apart. */
  seconds: number;
  warmupSeconds: number;
  /** Jobs per delivery run, each side. */
  jobs: number;
  /** Where the bench creates (and drops) its database. */
  databaseUrl: string;
  /** graphile-worker's completeJobBatchDelay and failJobBatchDelay, in ms. */
  graphileBatchMs: number;
}

export function readPeersSettings(messages: number): PeersSettings {
  const jobs = wholeFromEnv('BENCH_PEERS_JOBS', Math.min(messages, MAX_JOBS));
  if (jobs > MAX_JOBS) throw new Error(`BENCH_PEERS_JOBS is at most ${MAX_JOBS}, not ${jobs}`);
  const databaseUrl = process.env.BENCH_PEERS_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
  try {
    new URL(databaseUrl);
  } catch {
    throw new Error('BENCH_PEERS_DATABASE_URL must be a postgres:// URL, such as postgres://postgres@127.0.0.1:5432/postgres');
  }
  return {
    rounds: wholeFromEnv('BENCH_PEERS_ROUNDS', 3),
    seconds: positiveFromEnv('BENCH_PEERS_SECONDS', 8),
    warmupSeconds: positiveFromEnv('BENCH_PEERS_WARMUP_SECONDS', 2),
    jobs,
    databaseUrl,
    graphileBatchMs: wholeFromEnv('BENCH_PEERS_GRAPHILE_BATCH_MS', 1, 0),
  };
}
