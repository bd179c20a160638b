import type { MessageFilter, ReplayPlan } from '../types.ts';
import { type Clause, scopeOf } from '../sqlite/filter.ts';
import type { Queries } from './connection.ts';
import { filterClause } from './message-query.ts';

/** Which dead messages a replay by filter takes: the uncancelled dead ones it matches. */
export function replayableClause(filter: MessageFilter): Clause {
  const { where, params } = filterClause({ ...filter, status: 'dead' });
  return { where: `status = 'dead' AND cancelled_at IS NULL AND ${where}`, params };
}

/**
 * How many dead messages a replay by `filter` would queue, by instance: from the counters when the filter names
 * only fields they count by, from the index of replayable messages otherwise.
 */
export async function planReplay(db: Queries, filter: MessageFilter): Promise<ReplayPlan> {
  const rows = filter.since === undefined && filter.until === undefined && !filter.q ? await countedPlan(db, filter) : await indexedPlan(db, filter);
  const byInstance = Object.fromEntries(rows.map((row) => [row.instance, row.count]));
  return { total: rows.reduce((sum, row) => sum + row.count, 0), byInstance };
}

type Row = { instance: string; count: number };

function countedPlan(db: Queries, filter: MessageFilter): Promise<Row[]> {
  const conditions = ["status = 'dead'", 'NOT cancelled'];
  const params: unknown[] = [];
  for (const [column, value] of [['capability', filter.capability], ['instance', filter.instance], ['agency', filter.agency]] as const) {
    if (value === undefined) continue;
    conditions.push(`${column} = ?`);
    params.push(value);
  }
  const scope = scopeOf(filter);
  if (scope) {
    conditions.push(`agency IN (${scope.map(() => '?').join(', ') || 'NULL'})`);
    params.push(...scope);
  }
  return db.all<Row>(
    `SELECT instance, SUM(count) AS count FROM message_counts WHERE ${conditions.join(' AND ')}
      GROUP BY instance HAVING SUM(count) > 0 ORDER BY instance`,
    params,
  );
}

function indexedPlan(db: Queries, filter: MessageFilter): Promise<Row[]> {
  const { where, params } = replayableClause(filter);
  return db.all<Row>(`SELECT instance, COUNT(*) AS count FROM messages WHERE ${where} GROUP BY instance ORDER BY instance`, params);
}
