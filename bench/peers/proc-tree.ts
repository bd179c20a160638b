import { readFileSync, readdirSync } from 'node:fs';
import { TICKS_PER_SECOND } from '../proc-cpu.ts';

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

/** The process title (PostgreSQL rewrites it: `postgres: 15/main: user database 127.0.0.1(40312) idle`); '' once gone. */
export function readTitle(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
  } catch {
    return '';
  }
}

/** Every process whose parent is `parent`, with its CPU time; empty without /proc. */
export function childrenOf(parent: number): ProcStat[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const children: ProcStat[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (stat?.ppid === parent) children.push(stat);
  }
  return children;
}
