import { machineBusySeconds } from '../cpu.ts';
import { ownCpuSeconds, processCpuSeconds } from '../proc-cpu.ts';
import { type PostgresCpu, watchPostgres } from './postgres-cpu.ts';

/** CPU over one measured run, from /proc: seconds, all threads. */
export interface RunCpu {
  /** The process doing the measured work (a server child, the graphile-worker child, or the bench process itself). */
  process: number | null;
  /** Whether the work used PostgreSQL: lienthong on SQLite has no database process. */
  usesPostgres: boolean;
  /** PostgreSQL's share; null when it is not used, or where /proc shows no postmaster. */
  postgres: PostgresCpu | null;
  /** Busy CPU of the whole machine (steal included) not used by the bench, its children or the bench's database. */
  outsidePercent: number | null;
  wallSeconds: number;
}

export interface Watched {
  /** The process measured: `process.pid` for work done in the bench process. */
  pid: number | undefined;
  /** The bench's database, when the work uses PostgreSQL. */
  postgres?: { postmasterPid: number | undefined; database: string };
  /** Every child of the bench, busy or idle: their CPU is not "outside". */
  children: Array<number | undefined>;
}

export function watchRun({ pid, postgres, children }: Watched): { stop(): RunCpu } {
  const others = children.filter((child) => child !== pid);
  const sample = () => ({
    at: performance.now(),
    machine: machineBusySeconds(),
    bench: ownCpuSeconds(),
    measured: processCpuSeconds(pid),
    children: others.map(processCpuSeconds),
  });
  const before = sample();
  const database = postgres ? watchPostgres(postgres.postmasterPid, postgres.database) : undefined;
  return {
    stop() {
      const postgresCpu = database?.stop() ?? null;
      const after = sample();
      const wallSeconds = (after.at - before.at) / 1000;
      const measured = before.measured === undefined || after.measured === undefined ? null : after.measured - before.measured;
      const childSeconds = others.reduce<number>((sum, _, n) => sum + Math.max(0, (after.children[n] ?? 0) - (before.children[n] ?? 0)), 0);
      const databaseSeconds = postgresCpu ? postgresCpu.backends + postgresCpu.server : 0;
      const machine = before.machine === undefined || after.machine === undefined ? undefined : after.machine - before.machine;
      // The bench process is the measured one when the work runs in it: not counted twice.
      const ours = (after.bench - before.bench) + (pid === process.pid ? 0 : (measured ?? 0)) + childSeconds + databaseSeconds;
      const outsidePercent = machine === undefined || wallSeconds <= 0 ? null : (Math.max(0, machine - ours) / wallSeconds) * 100;
      return { process: measured, usesPostgres: postgres !== undefined, postgres: postgresCpu, outsidePercent, wallSeconds };
    },
  };
}

/** The run's CPU per unit of work in µs: the process plus PostgreSQL's backends and server processes; null if either is unknown. */
export function microsPer(cpu: RunCpu, units: number): number | null {
  if (cpu.process === null || units <= 0 || (cpu.usesPostgres && !cpu.postgres)) return null;
  const database = cpu.postgres ? cpu.postgres.backends + cpu.postgres.server : 0;
  return ((cpu.process + database) / units) * 1e6;
}
