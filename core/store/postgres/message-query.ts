/**
 * The operators' message list: newest first by (created_at, seq) with a keyset cursor. PostgreSQL's planner keeps
 * statistics per value, so it picks the index for each filter by itself (what SQLite's message-query.ts decides from
 * the counters). Text search matches the id, a dossier code or reference it begins, or error text in any case.
 */
import type { MessageFilter } from '../types.ts';
import { type Clause, fieldConditions, identityMatch, likeContaining } from '../sqlite/filter.ts';
import type { MessageRow } from '../sqlite/rows.ts';
import type { Queries } from './connection.ts';

/** The WHERE clause of an operator's message filter, with its parameters. */
export function filterClause(filter: MessageFilter): Clause {
  const fields = fieldConditions(filter);
  if (!filter.q) return fields;
  const identity = identityMatch(filter.q);
  return {
    where: `${fields.where} AND (${identity.where} OR (last_error IS NOT NULL AND last_error ILIKE ?))`,
    params: [...fields.params, ...identity.params, likeContaining(filter.q)],
  };
}

/** The rows of the first `limit` messages the filter matches after the cursor's message, newest first. */
export async function listMessageRows(db: Queries, filter: MessageFilter, limit: number, cursor?: string): Promise<MessageRow[] | undefined> {
  const clause = filterClause(filter);
  if (cursor === undefined) {
    return db.all<MessageRow>(`SELECT * FROM messages WHERE ${clause.where} ORDER BY created_at DESC, seq DESC LIMIT ?`, [...clause.params, limit]);
  }
  if (!/^\d{1,15}$/.test(cursor)) return undefined;
  const after = await db.get<{ seq: number; created_at: number }>('SELECT seq, created_at FROM messages WHERE seq = ?', [Number(cursor)]);
  if (!after) return undefined;
  return db.all<MessageRow>(
    `SELECT * FROM messages WHERE ${clause.where} AND (created_at, seq) < (?, ?) ORDER BY created_at DESC, seq DESC LIMIT ?`,
    [...clause.params, after.created_at, after.seq, limit],
  );
}
