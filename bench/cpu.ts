import { readFileSync } from 'node:fs';
import { TICKS_PER_SECOND, ownCpuSeconds, processCpuSeconds } from './proc-cpu.ts';

/** CPU over one load run, in % of one core (200% is both cores of a 2-vCPU machine). */
export interface CpuShares {
  /** Used by the server children not being measured: near 0 when they sat idle as they should. */
  idleChildrenPercent: number;
  /** Used by anything but the bench process and its server children (other processes, hypervisor steal). */
  outsidePercent: number;
  /** CPU seconds used by the measured child (all its threads) and by the bench process (the load generator). */
  seconds: { measured: number; bench: number };
  /** The span watched. */
  wallSeconds: number;
}

interface Sample {
  at: number;
  machine: number | undefined;
  bench: number;
  children: Array<number | undefined>;
}

/**
 * Starts watching CPU time; `stop()` returns the shares since then, or null where there is no /proc (macOS).
 * `measured` is the child under load, `idle` the others.
 */
export function watchCpu(measured: number | undefined, idle: Array<number | undefined>): { stop(): CpuShares | null } {
  const pids = [measured, ...idle];
  const before = sample(pids);
  return {
    stop() {
      const after = sample(pids);
      const wallSeconds = (after.at - before.at) / 1000;
      const used = pids.map((_, n) => difference(before.children[n], after.children[n]));
      const machine = difference(before.machine, after.machine);
      const known = used.filter((seconds): seconds is number => seconds !== undefined);
      if (machine === undefined || known.length !== used.length || wallSeconds <= 0) return null;
      const bench = after.bench - before.bench;
      const ours = bench + known.reduce((sum, seconds) => sum + seconds, 0);
      const idleChildren = known.slice(1).reduce((sum, seconds) => sum + seconds, 0);
      return {
        idleChildrenPercent: (idleChildren / wallSeconds) * 100,
        // Tick granularity can make the difference a hair negative on an otherwise quiet machine.
        outsidePercent: (Math.max(0, machine - ours) / wallSeconds) * 100,
        seconds: { measured: known[0] ?? 0, bench },
        wallSeconds,
      };
    },
  };
}

function sample(pids: Array<number | undefined>): Sample {
  return { at: performance.now(), machine: machineBusySeconds(), bench: ownCpuSeconds(), children: pids.map(processCpuSeconds) };
}

const difference = (before: number | undefined, after: number | undefined) => (before === undefined || after === undefined ? undefined : after - before);

/** Busy CPU seconds of the whole machine (all cores): user, nice, system, irq, softirq and steal. */
export function machineBusySeconds(): number | undefined {
  let stat: string;
  try {
    stat = readFileSync('/proc/stat', 'utf8');
  } catch {
    return undefined;
  }
  const fields = stat.split('\n')[0]?.trim().split(/\s+/).slice(1).map(Number);
  if (!fields) return undefined;
  const [user = Number.NaN, nice = Number.NaN, system = Number.NaN, , , irq = 0, softirq = 0, steal = 0] = fields;
  return ticksToSeconds(user + nice + system + irq + softirq + steal);
}

const ticksToSeconds = (ticks: number) => (Number.isFinite(ticks) ? ticks / TICKS_PER_SECOND : undefined);
