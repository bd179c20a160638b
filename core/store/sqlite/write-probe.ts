import { diskIsFull } from '../disk.ts';
import { StoreUnavailableError } from '../unavailable.ts';
import type { GroupCommit } from './group-commit.ts';
import { type Situation, operatorLine } from './unavailable-errors.ts';

/**
 * Whether a store that could not write can again: a real write (the one row of `store_probe`), since a read or an
 * empty commit needs no room. A disk that is still full is not written to at all: SQLite may find room in its WAL,
 * which says nothing of the disk.
 */
export async function probeWrites(file: string, outage: StoreUnavailableError | undefined, commits: GroupCommit): Promise<void> {
  if (outage?.reason === 'disk-full' && diskIsFull(file)) throw outage;
  await commits.write((db) => db.run('INSERT INTO store_probe (id, at) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET at = excluded.at', [Date.now()]));
}

/** The disk holding the store has no room left (disk.ts), as an outage with the operator's line; else undefined. */
export function fullDisk(situation: Situation): StoreUnavailableError | undefined {
  return diskIsFull(situation.file) ? new StoreUnavailableError('disk-full', operatorLine('disk-full', 'ENOSPC', situation)) : undefined;
}
