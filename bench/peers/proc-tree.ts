import { readFileSync, readdirSync } from 'node:fs';
import { type ProcStat, readStat } from '../proc-cpu.ts';

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
