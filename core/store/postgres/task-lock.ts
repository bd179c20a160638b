import type pg from 'pg';
import { classifyPostgresError, connectionLost } from './unavailable-errors.ts';

/**
 * Runs `work` holding a session advisory lock named after `name` (a plugin task of one instance), on a connection of
 * its own; answers false at once when another process holds it. Should that connection break mid-run, the server
 * frees the lock early: another process may then start the task before this run ends.
 */
export async function runAlone(pool: pg.Pool, where: string, name: string, work: () => Promise<void>): Promise<boolean> {
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (error) {
    throw classifyPostgresError(error, where);
  }
  let broken: Error | undefined;
  const onError = (error: Error) => {
    broken = error;
  };
  client.on('error', onError);
  const key = `lienthong ${name}`;
  try {
    const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS locked', [key]);
    if (!rows[0]?.locked) return false;
    try {
      await work();
    } finally {
      await client.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [key]).catch((error: Error) => {
        broken = error;
      });
    }
    return true;
  } catch (error) {
    if (connectionLost(error) && error instanceof Error) broken ??= error;
    throw classifyPostgresError(error, where);
  } finally {
    client.off('error', onError);
    // A connection that broke (or could not unlock) is dropped, never handed back with the lock held.
    client.release(broken ?? false);
  }
}
