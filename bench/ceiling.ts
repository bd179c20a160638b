import os from 'node:os';
import { median } from './stats.ts';

/**
 * The most a server could answer on this machine if its work and the load generator's were spread perfectly
 * over every core: cores / (CPU per request of both). Measured CPU per request moves far less with the
 * machine's other load than req/s, and it holds where perf cannot count instructions (VMs without counters),
 * so it bounds a target from what one run measured: a rate above the ceiling needs less CPU per request, not
 * better scheduling.
 */
export interface Ceiling {
  cores: number;
  /** CPU µs per request: the server (all its threads) and the load generator. */
  serverMicros: number;
  loadMicros: number;
  /** cores / (server + load), in requests per second. */
  perSecond: number;
}

const machineCores = () => os.availableParallelism();

export function ceiling(cpuSeconds: { server: number; load: number }, requests: number, cores = machineCores()): Ceiling | null {
  if (requests <= 0) return null;
  const serverMicros = (cpuSeconds.server / requests) * 1e6;
  const loadMicros = (cpuSeconds.load / requests) * 1e6;
  return { cores, serverMicros, loadMicros, perSecond: (cores * 1e6) / (serverMicros + loadMicros) };
}

/** Server CPU per request that would let `rate` fit on the machine with the same load generator: what a target asks for. */
export const serverBudgetMicros = (rate: number, loadMicros: number, cores = machineCores()) => (cores * 1e6) / rate - loadMicros;

/** Each round's ceiling as a share of that round's baseline rate (raw Hono, bare client), and their median. */
export interface CeilingShares {
  cores: number;
  ceilings: Ceiling[];
  shares: number[];
  median: number;
}

/** Null unless every round has a ceiling (none where there is no /proc). */
export function sharesOfBaselines(rounds: Array<{ ceiling: Ceiling | null; baseline: number }>): CeilingShares | null {
  const ceilings = rounds.flatMap((round) => (round.ceiling ? [round.ceiling] : []));
  if (ceilings.length === 0 || ceilings.length !== rounds.length) return null;
  const shares = ceilings.map((found, n) => found.perSecond / (rounds[n]?.baseline ?? Number.NaN));
  return { cores: ceilings[0]?.cores ?? Number.NaN, ceilings, shares, median: median(shares) };
}
