import type { Queries } from './connection.ts';

/** A lock number of its own ('cntr'): one process folds the counters at a time; the others skip their turn. */
const FOLD_LOCK = 0x636e7472;

/**
 * Inside a write transaction: folds the counters' rows of changes into one row per group (migration 002). Rows
 * another transaction is still adding are not visible yet and stay for the next fold. Attempt minutes older than a
 * day before the newest are dropped. Run by each process now and then; only one of them works at a time.
 */
export async function foldCounters(db: Queries): Promise<void> {
  const locked = await db.get<{ locked: boolean }>('SELECT pg_try_advisory_xact_lock(?) AS locked', [FOLD_LOCK]);
  if (!locked?.locked) return;
  await db.run(
    `WITH moved AS (DELETE FROM message_counts RETURNING *)
     INSERT INTO message_counts (instance, capability, agency, status, cancelled, count)
     SELECT instance, capability, agency, status, cancelled, SUM(count) FROM moved GROUP BY 1, 2, 3, 4, 5 HAVING SUM(count) <> 0`,
  );
  await db.run(
    `WITH moved AS (DELETE FROM attempt_minutes RETURNING *)
     INSERT INTO attempt_minutes (minute, instance, agency, attempts, failures)
     SELECT minute, instance, agency, SUM(attempts), SUM(failures) FROM moved
      WHERE minute >= (SELECT MAX(minute) FROM moved) - 1440
      GROUP BY 1, 2, 3`,
  );
}
