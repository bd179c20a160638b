import os from 'node:os';

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
