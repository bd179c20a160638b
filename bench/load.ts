import autocannon, { type Result } from 'autocannon';

/** How hard and how long: the same for every server compared, so their figures compare like with like. */
export interface LoadShape {
  connections: number;
  pipelining: number;
  /** The measured run. */
  seconds: number;
  /** A run before it whose figures are kept apart: connections open, JIT warm, SQLite pages cached. */
  warmupSeconds: number;
  /** Requests a second over all connections (autocannon's overallRate); as fast as answered when absent. */
  overallRate?: number;
}

export interface LoadRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  /** The only status that counts as a success. */
  expectStatus: number;
}

export interface RunSummary {
  seconds: number;
  /** Answers with the expected status. */
  succeeded: number;
  /** Successes per second over the run. */
  ratePerSecond: number;
  /** Every status answered, by code. */
  statusCounts: Record<string, number>;
  non2xx: number;
  /** Connection errors and timeouts (autocannon counts a timeout as an error too). */
  errors: number;
  timeouts: number;
  latencyMs: { p50: number; p99: number; mean: number };
}

export interface LoadResult {
  warmup: RunSummary;
  measured: RunSummary;
}

/** A warm-up run, then the measured run, of POSTs of one body; autocannon runs in this process. */
export async function measureLoad(request: LoadRequest, shape: LoadShape): Promise<LoadResult> {
  const run = async (seconds: number) => {
    const result = await autocannon({
      url: request.url,
      method: 'POST',
      headers: request.headers,
      body: request.body,
      connections: shape.connections,
      pipelining: shape.pipelining,
      duration: seconds,
      ...(shape.overallRate ? { overallRate: shape.overallRate } : {}),
    });
    return summarize(result, request.expectStatus);
  };
  const warmup = await run(shape.warmupSeconds);
  const measured = await run(shape.seconds);
  return { warmup, measured };
}

/** Throws, naming every status and error seen, unless each answer in both runs had the expected status. */
export function assertOnlyExpected(label: string, result: LoadResult, expectStatus: number): void {
  for (const [phase, run] of [['warm-up', result.warmup], ['measured run', result.measured]] as const) {
    const answered = Object.values(run.statusCounts).reduce((sum, count) => sum + count, 0);
    if (answered === run.succeeded && run.errors === 0 && run.non2xx === 0) continue;
    throw new Error(
      `${label}, ${phase}: ${answered - run.succeeded} answers were not ${expectStatus} and ${run.errors} requests failed ` +
        `(${run.timeouts} timeouts); statuses ${JSON.stringify(run.statusCounts)}`,
    );
  }
}

function summarize(result: Result, expectStatus: number): RunSummary {
  const statusCounts: Record<string, number> = {};
  for (const [status, stats] of Object.entries(result.statusCodeStats)) statusCounts[status] = stats?.count ?? 0;
  const succeeded = statusCounts[String(expectStatus)] ?? 0;
  return {
    seconds: result.duration,
    succeeded,
    ratePerSecond: result.duration > 0 ? succeeded / result.duration : 0,
    statusCounts,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    latencyMs: { p50: result.latency.p50, p99: result.latency.p99, mean: result.latency.mean },
  };
}
