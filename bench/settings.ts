import type { LoadShape } from './load.ts';

/** What `npm run bench` reads from its environment, with the defaults that keep a run under ~4 minutes. */
export interface BenchSettings {
  shape: LoadShape;
  /** Rounds of raw Hono, accept held back, accept while delivering, in that order. */
  rounds: number;
  /** Webhook events per delivery run. */
  messages: number;
}

function positive(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, not '${raw}'`);
  return value;
}

function whole(name: string, fallback: number): number {
  const value = positive(name, fallback);
  if (!Number.isInteger(value)) throw new Error(`${name} must be a whole number, not '${value}'`);
  return value;
}

export function readSettings(): BenchSettings {
  return {
    shape: {
      connections: whole('BENCH_CONNECTIONS', 50),
      pipelining: 1,
      seconds: positive('BENCH_SECONDS', 8),
      warmupSeconds: positive('BENCH_WARMUP_SECONDS', 2),
    },
    rounds: whole('BENCH_ROUNDS', 3),
    messages: Math.round(positive('BENCH_MESSAGES', 5000)),
  };
}
