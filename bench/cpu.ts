import { readFileSync } from 'node:fs';

/** Linux's USER_HZ: the unit of the CPU times in /proc. */
const TICKS_PER_SECOND = 100;

/** CPU over one load run, in % of one core (200% is both cores of a 2-vCPU machine). */
export interface CpuShares {
  /** Used by the server children not being measured: near 0 when they sat idle as they should. */
  idleChildrenPercent: number;
  /** Used by anything but the bench process and its server children (other processes, hypervisor steal). */
  outsidePercent: number;
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
      const ours = after.bench - before.bench + known.reduce((sum, seconds) => sum + seconds, 0);
      const idleChildren = known.slice(1).reduce((sum, seconds) => sum + seconds, 0);
      return {
        idleChildrenPercent: (idleChildren / wallSeconds) * 100,
        // Tick granularity can make the difference a hair negative on an otherwise quiet machine.
        outsidePercent: (Math.max(0, machine - ours) / wallSeconds) * 100,
      };
    },
  };
}

function sample(pids: Array<number | undefined>): Sample {
  const usage = process.cpuUsage();
  return { at: performance.now(), machine: machineBusySeconds(), bench: (usage.user + usage.system) / 1e6, children: pids.map(processSeconds) };
}

const difference = (before: number | undefined, after: number | undefined) => (before === undefined || after === undefined ? undefined : after - before);

/** CPU seconds (user + system) a process has used so far; undefined without /proc or once it is gone. */
function processSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  // After "pid (comm) " come the fields from the 3rd (state) on; utime and stime are the 14th and 15th.
  const fields = readProc(`/proc/${pid}/stat`)?.replace(/^[^)]*\)\s*/s, '').split(' ');
  return fields ? ticksToSeconds(Number(fields[11]) + Number(fields[12])) : undefined;
}

/** Busy CPU seconds of the whole machine (all cores): user, nice, system, irq, softirq and steal. */
function machineBusySeconds(): number | undefined {
  const fields = readProc('/proc/stat')?.split('\n')[0]?.trim().split(/\s+/).slice(1).map(Number);
  if (!fields) return undefined;
  const [user = Number.NaN, nice = Number.NaN, system = Number.NaN, , , irq = 0, softirq = 0, steal = 0] = fields;
  return ticksToSeconds(user + nice + system + irq + softirq + steal);
}

const ticksToSeconds = (ticks: number) => (Number.isFinite(ticks) ? ticks / TICKS_PER_SECOND : undefined);

function readProc(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}
