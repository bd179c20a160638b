import type { LoadResult } from './load.ts';

/** One measurement over the rounds. */
export interface RateSummary {
  /** Measured req/s of each round, in round order. */
  perRound: number[];
  median: number;
  min: number;
  max: number;
  /** 1-based; with an even number of rounds the lower of the middle two. */
  medianRound: number;
  /** The median round's latency. */
  latencyMs: { p50: number; p99: number };
}

/** Accept over raw Hono. */
export interface RatioSummary {
  ofMedians: number;
  /** Each round's accept over the same round's raw, in round order. */
  perRound: number[];
  target: number;
  /** Judged on the ratio of medians. */
  met: boolean;
  roundsMet: number;
}

/** One figure over the rounds. */
export interface Spread {
  median: number;
  min: number;
  max: number;
}

export const spread = (values: number[]): Spread => ({ median: median(values), min: Math.min(...values), max: Math.max(...values) });

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? Number.NaN) : ((sorted[middle - 1] ?? Number.NaN) + (sorted[middle] ?? Number.NaN)) / 2;
}

export function summarizeRates(loads: LoadResult[]): RateSummary {
  const perRound = loads.map((load) => load.measured.ratePerSecond);
  const byRate = perRound.map((rate, index) => ({ rate, index })).sort((a, b) => a.rate - b.rate);
  const middle = byRate[Math.floor((byRate.length - 1) / 2)];
  const latency = middle === undefined ? undefined : loads[middle.index]?.measured.latencyMs;
  return {
    perRound,
    median: median(perRound),
    min: Math.min(...perRound),
    max: Math.max(...perRound),
    medianRound: (middle?.index ?? -1) + 1,
    latencyMs: { p50: latency?.p50 ?? Number.NaN, p99: latency?.p99 ?? Number.NaN },
  };
}

export function summarizeRatio(accept: RateSummary, raw: RateSummary, target: number): RatioSummary {
  const perRound = accept.perRound.map((rate, n) => rate / (raw.perRound[n] ?? Number.NaN));
  const ofMedians = accept.median / raw.median;
  return { ofMedians, perRound, target, met: ofMedians >= target, roundsMet: perRound.filter((ratio) => ratio >= target).length };
}
