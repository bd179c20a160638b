import { existsSync, statSync, statfsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/**
 * Below this much free space the disk counts as full. SQLite can still commit now and then into WAL space it
 * already holds, so "a write went through" alone would call a full disk writable, then refuse the next request.
 */
export const FULL_BELOW_BYTES = 1024 * 1024;

/** The path itself, or its nearest ancestor that exists (a store's folder may not be made yet). */
function existing(path: string): string {
  let current = resolve(path);
  while (!existsSync(current) && dirname(current) !== current) current = dirname(current);
  return current;
}

/** Bytes an unprivileged process may still write on the filesystem holding `path`. */
export function freeBytes(path: string): number {
  const stats = statfsSync(existing(path));
  return stats.bavail * stats.bsize;
}

/** Where the filesystem holding `path` is mounted: the highest ancestor on the same device (as `df` says). */
export function mountPoint(path: string): string {
  let current = existing(path);
  const device = statSync(current).dev;
  while (dirname(current) !== current && statSync(dirname(current)).dev === device) current = dirname(current);
  return current;
}

/** `/data/lienthong.db (the filesystem mounted at /data, 12 KiB free)`, for an operator's message. */
export function describeDisk(file: string): string {
  const absolute = resolve(file);
  try {
    return `${absolute} (the filesystem mounted at ${mountPoint(absolute)}, ${Math.floor(freeBytes(absolute) / 1024)} KiB free)`;
  } catch {
    return absolute;
  }
}

/** The disk holding `file` has less than FULL_BELOW_BYTES free; false when that cannot be told. */
export function diskIsFull(file: string): boolean {
  try {
    return freeBytes(file) < FULL_BELOW_BYTES;
  } catch {
    return false;
  }
}
