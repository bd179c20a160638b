/**
 * The overview from the counters (migration 002: rows of changes, added up here) and each instance's oldest waiting
 * message from the index of waiting messages.
 */
import type { InstanceActivity, InstanceQueueStats, MessageCount, MessageStatus, Overview } from '../types.ts';
import type { Queries } from './connection.ts';

const MINUTE = 60_000;
const HOUR = 3_600_000;

const scopeOf = (agencies: readonly string[] | undefined) => (agencies && !agencies.includes('*') ? agencies : undefined);
const inScope = (scope: readonly string[] | undefined) => (scope ? `AND agency IN (${scope.map(() => '?').join(', ') || 'NULL'})` : '');

type Queue = InstanceQueueStats & { capability: string };

/** Per instance: messages by status and the oldest still waiting. */
export async function readQueues(db: Queries, agencies?: readonly string[]): Promise<Queue[]> {
  const scope = scopeOf(agencies);
  const rows = await db.all<{ instance: string; capability: string; status: MessageStatus; count: number }>(
    `SELECT instance, MIN(capability) AS capability, status, SUM(count) AS count FROM message_counts
      WHERE true ${inScope(scope)} GROUP BY instance, status HAVING SUM(count) > 0`,
    [...(scope ?? [])],
  );
  const queues = new Map<string, Queue>();
  for (const row of rows) {
    const queue = queues.get(row.instance) ?? {
      instance: row.instance, capability: row.capability, queued: 0, processing: 0, dead: 0, succeeded: 0, oldestWaitingAt: null,
    };
    queue[row.status] += row.count;
    queues.set(row.instance, queue);
  }
  await Promise.all(
    [...queues.values()]
      .filter((queue) => queue.queued + queue.processing > 0)
      .map(async (queue) => {
        const oldest = await db.get<{ created_at: number }>(
          `SELECT created_at FROM messages WHERE instance = ? AND status IN ('queued', 'processing') ${inScope(scope)}
            ORDER BY created_at LIMIT 1`,
          [queue.instance, ...(scope ?? [])],
        );
        queue.oldestWaitingAt = oldest?.created_at ?? null;
      }),
  );
  return [...queues.values()].sort((a, b) => a.instance.localeCompare(b.instance));
}

/** Counts over instances, and per instance its queue and the attempts of the 60 minutes up to the one `now` is in. */
export async function readOverview(db: Queries, now: number, agencies?: readonly string[]): Promise<Overview> {
  const scope = scopeOf(agencies);
  const [counts, queues, lastHour] = await Promise.all([
    db.all<MessageCount>(
      `SELECT capability, agency, status, SUM(count) AS count FROM message_counts WHERE true ${inScope(scope)}
        GROUP BY capability, agency, status HAVING SUM(count) > 0 ORDER BY capability, agency, status`,
      [...(scope ?? [])],
    ),
    readQueues(db, agencies),
    db.all<{ instance: string; attempts: number; failures: number }>(
      `SELECT instance, SUM(attempts) AS attempts, SUM(failures) AS failures FROM attempt_minutes
        WHERE minute > ? ${inScope(scope)} GROUP BY instance`,
      [Math.floor((now - HOUR) / MINUTE), ...(scope ?? [])],
    ),
  ]);
  const activity = new Map<string, InstanceActivity>(queues.map((queue) => [queue.instance, { ...queue, lastHour: { attempts: 0, failures: 0 } }]));
  for (const row of lastHour) {
    const entry = activity.get(row.instance) ?? {
      instance: row.instance, capability: null, queued: 0, processing: 0, dead: 0, succeeded: 0, oldestWaitingAt: null, lastHour: { attempts: 0, failures: 0 },
    };
    entry.lastHour = { attempts: row.attempts, failures: row.failures };
    activity.set(row.instance, entry);
  }
  return { counts, instances: [...activity.values()].sort((a, b) => a.instance.localeCompare(b.instance)) };
}
