/**
 * The operators' message list at millions of rows. Pages go newest first by (created_at, seq) with a keyset cursor,
 * and each read follows one index that yields rows in that order (migration 015), bounded by the time range. Which
 * index is chosen from message_counts: the exact number of messages each candidate index holds for the filter's
 * values and the number that match every equality, so a page reads about `rows in the index × page / matches` rows.
 * SQLite's own planner cannot tell `status = 'dead'` (a few) from `status = 'succeeded'` (nearly all) without
 * statistics per value, which this build does not keep. A filter that nothing matches reads no message at all.
 *
 * Text search (`q`) reads two streams merged in JS: what it names by identity (message id, dossier code or reference
 * prefix: a few index entries, unless the prefix is broad, when the rows are dense enough to be found in order), and
 * error text (only messages with an error, in order, in the index that holds the text).
 */
import type { PayloadCodec } from '../payload-cipher.ts';
import type { MessageFilter, MessagePage } from '../types.ts';
import type { Connection } from './connection.ts';
import { type Clause, errorMatch, fieldConditions, identityMatch, prefixEnd, scopeOf } from './filter.ts';
import { type MessageRow, toMessage } from './rows.ts';

/** Above this many dossier codes or references with the prefix, the identity search reads in list order instead. */
const PREFIX_CANDIDATES = 5000;

export interface Keyset {
  createdAt: number;
  seq: number;
}

interface Key {
  seq: number;
  created_at: number;
}

interface Plan {
  index: string;
  /** Rows the index holds for the filter's values. */
  rows: number;
  /** False when the rows come from several ranges and must be sorted (a scope of several agencies). */
  ordered: boolean;
}

/** Where the next (older) page starts: the row the cursor names. Undefined for a cursor that names no message. */
export async function cursorKeyset(db: Connection, cursor: string): Promise<Keyset | undefined> {
  const row = await db.get<Key>('SELECT seq, created_at FROM messages WHERE seq = ?', [Number(cursor)]);
  return row && { createdAt: row.created_at, seq: row.seq };
}

/**
 * The seqs of the first `limit` messages the filter matches after `after`, newest first. With no `q`, the index is
 * chosen by counts; `undefined` means nothing can match.
 */
export async function listMessageSeqs(
  db: Connection,
  filter: MessageFilter,
  limit: number,
  after?: Keyset,
  prefixCandidates = PREFIX_CANDIDATES,
): Promise<number[]> {
  const plans = await candidatePlans(db, filter);
  if (!plans) return [];
  const fields = fieldConditions(filter);
  const page = after ? keysetClause(after) : { where: '1 = 1', params: [] };
  const base: Clause = { where: `${fields.where} AND ${page.where}`, params: [...fields.params, ...page.params] };
  if (!filter.q) return (await readInOrder(db, best(plans.list, limit, plans.matching), base, limit)).map((key) => key.seq);

  const streams = [identityStream(db, filter.q, plans, base, limit, prefixCandidates)];
  if (filter.status !== 'succeeded') streams.push(errorStream(db, filter.q, base, limit));
  const keys = new Map<number, Key>();
  for (const found of await Promise.all(streams)) for (const key of found) keys.set(key.seq, key);
  return [...keys.values()]
    .sort((a, b) => b.created_at - a.created_at || b.seq - a.seq)
    .slice(0, limit)
    .map((key) => key.seq);
}

/** A page of messages, newest first by creation; the cursor is the last message's sequence number. */
export async function listMessagePage(db: Connection, codec: PayloadCodec, filter: MessageFilter, page: { limit: number; cursor?: string }): Promise<MessagePage> {
  const after = page.cursor === undefined ? undefined : await cursorKeyset(db, page.cursor);
  if (page.cursor !== undefined && !after) return { messages: [] };
  const seqs = await listMessageSeqs(db, filter, page.limit + 1, after);
  const rows = seqs.length === 0 ? [] : await db.all<MessageRow>('SELECT * FROM messages WHERE seq IN (SELECT value FROM json_each(?))', [JSON.stringify(seqs)]);
  const bySeq = new Map(rows.map((row) => [row.seq, row]));
  const messages = seqs.slice(0, page.limit).flatMap((seq) => {
    const row = bySeq.get(seq);
    return row ? [toMessage(row, codec)] : [];
  });
  const last = messages.at(-1);
  return seqs.length > page.limit && last ? { messages, nextCursor: String(last.sequence) } : { messages };
}

/** The index that reads the fewest rows for a page of `limit` among `matching` messages. */
export function best(plans: Plan[], limit: number, matching: number): Plan {
  const cost = (plan: Plan) => (plan.ordered ? Math.min(plan.rows, (plan.rows * limit) / Math.max(matching, 1)) : plan.rows * 2);
  return plans.reduce((chosen, plan) => (cost(plan) < cost(chosen) ? plan : chosen));
}

/** The candidate indexes and how many messages match the filter's equalities, from message_counts. */
export async function candidatePlans(db: Connection, filter: MessageFilter): Promise<{ list: Plan[]; matching: number } | undefined> {
  const scope = scopeOf(filter);
  if (scope && filter.agency && !scope.includes(filter.agency)) return undefined;
  const all: string[] = [];
  const allParams: unknown[] = [];
  const sums: string[] = ['SUM(count)'];
  const sumParams: unknown[] = [];
  const equal = (column: string, value: string | undefined) => {
    if (value === undefined) return;
    all.push(`${column} = ?`);
    allParams.push(value);
  };
  equal('status', filter.status);
  equal('capability', filter.capability);
  equal('instance', filter.instance);
  equal('agency', filter.agency);
  const inScope = scope ? `agency IN (${scope.map(() => '?').join(', ') || 'NULL'})` : undefined;
  if (inScope) {
    all.push(inScope);
    allParams.push(...(scope ?? []));
  }
  sums.push(`SUM(count) FILTER (WHERE ${all.join(' AND ') || '1 = 1'})`);
  sumParams.push(...allParams);
  const named: Array<{ index: string; column: string; value: string }> = [];
  for (const [index, column, value] of [
    ['messages_status', 'status', filter.status],
    ['messages_instance', 'instance', filter.instance],
    ['messages_agency', 'agency', filter.agency],
  ] as const) {
    if (value === undefined) continue;
    named.push({ index, column, value });
    sums.push(`SUM(count) FILTER (WHERE ${column} = ?)`);
    sumParams.push(value);
  }
  if (inScope && !filter.agency) {
    sums.push(`SUM(count) FILTER (WHERE ${inScope})`);
    sumParams.push(...(scope ?? []));
  }
  const row = await db.get<Record<string, number | null>>(
    `SELECT ${sums.map((sum, i) => `COALESCE(${sum}, 0) AS c${i}`).join(', ')} FROM message_counts`,
    sumParams,
  );
  const at = (i: number) => row?.[`c${i}`] ?? 0;
  const matching = at(1);
  if (matching === 0) return undefined;
  const list: Plan[] = [{ index: 'messages_created', rows: at(0), ordered: true }];
  named.forEach((entry, i) => list.push({ index: entry.index, rows: at(2 + i), ordered: true }));
  if (inScope && !filter.agency) list.push({ index: 'messages_agency', rows: at(2 + named.length), ordered: (scope ?? []).length === 1 });
  return { list, matching };
}

function keysetClause(after: Keyset): Clause {
  return { where: '(created_at <= ? AND (created_at < ? OR seq < ?))', params: [after.createdAt, after.createdAt, after.seq] };
}

function readInOrder(db: Connection, plan: Plan, clause: Clause, limit: number): Promise<Key[]> {
  return db.all<Key>(
    `SELECT seq, created_at FROM messages INDEXED BY ${plan.index} WHERE ${clause.where} ORDER BY created_at DESC, seq DESC LIMIT ?`,
    [...clause.params, limit],
  );
}

/** Messages `q` names by id, dossier code or reference. */
async function identityStream(
  db: Connection,
  q: string,
  plans: { list: Plan[]; matching: number },
  base: Clause,
  limit: number,
  prefixCandidates: number,
): Promise<Key[]> {
  const end = prefixEnd(q);
  const [dossiers, references] = await Promise.all([
    db.get<{ n: number }>(
      'SELECT COUNT(*) AS n FROM (SELECT 1 FROM messages INDEXED BY messages_dossier WHERE dossier_code >= ? AND dossier_code < ? LIMIT ?)',
      [q, end, prefixCandidates + 1],
    ),
    db.get<{ n: number }>(
      'SELECT COUNT(*) AS n FROM (SELECT 1 FROM messages INDEXED BY messages_reference WHERE reference >= ? AND reference < ? AND reference IS NOT dossier_code LIMIT ?)',
      [q, end, prefixCandidates + 1],
    ),
  ]);
  const identity = identityMatch(q);
  const clause: Clause = { where: `${base.where} AND ${identity.where}`, params: [...base.params, ...identity.params] };
  if ((dossiers?.n ?? 0) + (references?.n ?? 0) > prefixCandidates) return readInOrder(db, best(plans.list, limit, plans.matching), clause, limit);
  return db.all<Key>(
    `SELECT seq, created_at FROM messages
      WHERE seq IN (SELECT seq FROM messages WHERE id = ?
                    UNION ALL SELECT seq FROM messages INDEXED BY messages_dossier WHERE dossier_code >= ? AND dossier_code < ?
                    UNION ALL SELECT seq FROM messages INDEXED BY messages_reference WHERE reference >= ? AND reference < ? AND reference IS NOT dossier_code)
        AND ${base.where}
      ORDER BY created_at DESC, seq DESC LIMIT ?`,
    [q, q, end, q, end, ...base.params, limit],
  );
}

/** Messages whose last error contains `q`, newest first, read from the index of messages with an error. */
function errorStream(db: Connection, q: string, base: Clause, limit: number): Promise<Key[]> {
  const error = errorMatch(q);
  return db.all<Key>(
    `SELECT seq, created_at FROM messages INDEXED BY messages_error
      WHERE ${error.where} AND ${base.where}
      ORDER BY created_at DESC, seq DESC LIMIT ?`,
    [...error.params, ...base.params, limit],
  );
}
