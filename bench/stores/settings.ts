import { positiveFromEnv, wholeFromEnv } from '../env.ts';

/** The stores part's settings (BENCH_STORES_*). */
export interface StoresSettings {
  rounds: number;
  /** Measured seconds per accept run, after `warmupSeconds` kept apart (counted in the CPU). */
  seconds: number;
  warmupSeconds: number;
  /** autocannon connections over all of a setup's processes, split evenly. */
  connections: number;
  /**
   * Accepts a second offered to PostgreSQL with one process and with three (split evenly), below what either answers
   * at full load: the CPU per accept of the same work with the machine not saturated. 0: not measured.
   */
  fixedRate: number;
  /** Messages delivered per delivery run, from the backlog the accept runs left. */
  deliveries: number;
  /** Where the bench creates (and drops) its databases. */
  databaseUrl: string;
}

export function readStoresSettings(): StoresSettings {
  const databaseUrl = process.env.BENCH_STORES_DATABASE_URL || process.env.BENCH_PEERS_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
  try {
    new URL(databaseUrl);
  } catch {
    throw new Error('BENCH_STORES_DATABASE_URL must be a postgres:// URL, such as postgres://postgres@127.0.0.1:5432/postgres');
  }
  return {
    rounds: wholeFromEnv('BENCH_STORES_ROUNDS', 3),
    seconds: positiveFromEnv('BENCH_STORES_SECONDS', 8),
    warmupSeconds: positiveFromEnv('BENCH_STORES_WARMUP_SECONDS', 2),
    connections: wholeFromEnv('BENCH_STORES_CONNECTIONS', 60, 3),
    fixedRate: wholeFromEnv('BENCH_STORES_FIXED_RATE', 1500, 0),
    deliveries: wholeFromEnv('BENCH_STORES_DELIVERIES', 2000),
    databaseUrl,
  };
}
