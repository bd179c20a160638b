import { readFileSync } from 'node:fs';

/** Linux's USER_HZ: the unit of the CPU times in /proc. */
export const TICKS_PER_SECOND = 100;

export interface ProcStat {
  pid: number;
  ppid: number;
  /** user + system CPU seconds, all threads. */
  cpuSeconds: number;
}

/** One process's parent and CPU time from /proc/<pid>/stat; undefined without /proc or once it is gone. */
export function readStat(pid: number): ProcStat | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // After "pid (comm) " come the fields from the 3rd (state) on: ppid is the 4th, utime and stime the 14th and 15th.
  const fields = stat.replace(/^[^)]*\)\s*/s, '').split(' ');
  const ppid = Number(fields[1]);
  const ticks = Number(fields[11]) + Number(fields[12]);
  if (!Number.isFinite(ppid) || !Number.isFinite(ticks)) return undefined;
  return { pid, ppid, cpuSeconds: ticks / TICKS_PER_SECOND };
}

/** CPU seconds (user + system, all threads) a process has used so far; undefined without /proc or once it is gone. */
export const processCpuSeconds = (pid: number | undefined): number | undefined => (pid === undefined ? undefined : readStat(pid)?.cpuSeconds);

/** CPU seconds this process has used so far (microsecond resolution, unlike /proc's ticks). */
export function ownCpuSeconds(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
}

/** CPU over one phase, in % of one core (200% is two cores fully busy). */
export interface CpuUse<K extends string> {
  /** The bench process itself. */
  bench: number;
  /** Each child; null without /proc or once it is gone. */
  children: Record<K, number | null>;
}

/** Starts a stopwatch of CPU time for this process and the given children; `stop()` returns their shares since. */
export function watchProcesses<K extends string>(children: Record<K, number | undefined>): { stop(): CpuUse<K> } {
  const keys = Object.keys(children) as K[];
  const startedAt = performance.now();
  const ownBefore = ownCpuSeconds();
  const before = keys.map((key) => processCpuSeconds(children[key]));
  return {
    stop() {
      const wall = (performance.now() - startedAt) / 1000;
      const share = (seconds: number) => (wall > 0 ? (seconds / wall) * 100 : Number.NaN);
      const shares = keys.map((key, n) => {
        const after = processCpuSeconds(children[key]);
        const start = before[n];
        return [key, after === undefined || start === undefined ? null : share(after - start)] as const;
      });
      return { bench: share(ownCpuSeconds() - ownBefore), children: Object.fromEntries(shares) as Record<K, number | null> };
    },
  };
}
