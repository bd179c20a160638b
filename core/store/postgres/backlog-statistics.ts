/**
 * The planner's statistics of `messages` kept up with a backlog. A backlog that grew faster than autovacuum analyzes
 * the table (during a pause, in an outage, or with autovacuum off) is larger than the statistics know; believing the
 * table small, the planner read every queued message of the instance for each claim and each resume batch (2,000 at
 * a time) and sorted them: 400 ms a claim with 600,000 messages queued, measured in the stores bench. Both ANALYZEs
 * run outside the grouped writes, which hold the audit chain's head.
 */
import type { Queries } from './connection.ts';

/** Queued messages from which a backlog's statistics are refreshed. */
export const ANALYZE_FROM = 10_000;

/** Before a resume: ANALYZE messages when the instance has at least ANALYZE_FROM messages queued. */
export async function analyzeBeforeResume(db: Queries, instance: string): Promise<boolean> {
  if ((await queued(db, instance)) < ANALYZE_FROM) return false;
  await db.run('ANALYZE messages');
  return true;
}

/**
 * After each fold of the counters: ANALYZE messages when at least ANALYZE_FROM are queued and twice as many as at
 * this process's last ANALYZE: a few times as a backlog grows, never again while it drains.
 */
export class BacklogStatistics {
  /** Queued messages at this process's last ANALYZE. */
  #analyzedAt = 0;

  constructor(private readonly db: Queries) {}

  /** Whether it ran ANALYZE. */
  async refresh(): Promise<boolean> {
    const count = await queued(this.db);
    if (count < ANALYZE_FROM || count < 2 * this.#analyzedAt) return false;
    await this.db.run('ANALYZE messages');
    this.#analyzedAt = count;
    return true;
  }
}

/** Queued messages, of one instance or of all, from the counters. */
async function queued(db: Queries, instance?: string): Promise<number> {
  const row = await db.get<{ queued: number | null }>(
    `SELECT SUM(count) AS queued FROM message_counts WHERE status = 'queued'${instance === undefined ? '' : ' AND instance = ?'}`,
    instance === undefined ? [] : [instance],
  );
  return row?.queued ?? 0;
}
