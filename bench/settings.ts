import { positiveFromEnv, wholeFromEnv } from './env.ts';
import type { LoadShape } from './load.ts';

/** What `npm run bench` reads from its environment, with the defaults that keep a run under ~4 minutes. */
export interface BenchSettings {
  shape: LoadShape;
  /** Rounds of raw Hono, accept held back, accept while delivering, in that order. */
  rounds: number;
  /** Webhook events per delivery run. */
  messages: number;
}

export function readSettings(): BenchSettings {
  return {
    shape: {
      connections: wholeFromEnv('BENCH_CONNECTIONS', 50),
      pipelining: 1,
      seconds: positiveFromEnv('BENCH_SECONDS', 8),
      warmupSeconds: positiveFromEnv('BENCH_WARMUP_SECONDS', 2),
    },
    rounds: wholeFromEnv('BENCH_ROUNDS', 3),
    messages: Math.round(positiveFromEnv('BENCH_MESSAGES', 5000)),
  };
}
