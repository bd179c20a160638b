import { ANALYZE_BEFORE_RESUME } from './instance-pauses.ts';
import type { Queries } from './connection.ts';

/**
 * The planner's statistics of `messages` kept up with a backlog that grows faster than autovacuum analyzes the table
 * (or with autovacuum off): believing the table small, the planner read a whole backlog for every claim (as
 * `analyzeBeforeResume` in instance-pauses.ts tells). After each fold of the counters, each process runs ANALYZE when the queued
 * messages number at least ANALYZE_BEFORE_RESUME and twice as many as at its last ANALYZE: a few times as a backlog
 * grows, never again while it drains. Run outside the grouped writes, which hold the audit chain's head.
 */
export class BacklogStatistics {
  /** Queued messages at this process's last ANALYZE. */
  #analyzedAt = 0;

  constructor(private readonly db: Queries) {}

  /** Whether it ran ANALYZE. */
  async refresh(): Promise<boolean> {
    const row = await this.db.get<{ queued: number | null }>("SELECT SUM(count) AS queued FROM message_counts WHERE status = 'queued'");
    const queued = row?.queued ?? 0;
    if (queued < ANALYZE_BEFORE_RESUME || queued < 2 * this.#analyzedAt) return false;
    await this.db.run('ANALYZE messages');
    this.#analyzedAt = queued;
    return true;
  }
}
