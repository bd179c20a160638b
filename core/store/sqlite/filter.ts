import type { MessageFilter } from '../types.ts';

export interface Clause {
  where: string;
  params: unknown[];
}

/** The agencies a filter is limited to by its key's scope, or undefined when it sees every agency. */
export function scopeOf(filter: MessageFilter): readonly string[] | undefined {
  return filter.agencies && !filter.agencies.includes('*') ? filter.agencies : undefined;
}

/** The smallest string above every string that starts with `prefix` (SQLite compares UTF-8 text by code point). */
export function prefixEnd(prefix: string): string {
  const points = Array.from(prefix);
  const last = points.pop()?.codePointAt(0) ?? 0;
  if (last >= 0x10ffff) return `${prefix}\u{10ffff}`;
  // Past the surrogates, which are no characters of their own.
  const next = last + 1 >= 0xd800 && last + 1 <= 0xdfff ? 0xe000 : last + 1;
  return points.join('') + String.fromCodePoint(next);
}

export const likeContaining = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** What `q` matches by identity: the message id exactly, a dossier code or a reference it begins. */
export function identityMatch(q: string): Clause {
  const end = prefixEnd(q);
  return {
    where: '(id = ? OR (dossier_code >= ? AND dossier_code < ?) OR (reference >= ? AND reference < ?))',
    params: [q, q, end, q, end],
  };
}

/** What `q` matches in error text: a last error containing it (ASCII letters in any case). */
export function errorMatch(q: string): Clause {
  return { where: "(last_error IS NOT NULL AND last_error LIKE ? ESCAPE '\\')", params: [likeContaining(q)] };
}

/** The filter's conditions but its text search: equalities, the key's scope, the time range. */
export function fieldConditions(filter: MessageFilter): Clause {
  const conditions: string[] = [];
  const params: unknown[] = [];
  const equal = (column: string, value: unknown) => {
    conditions.push(`${column} = ?`);
    params.push(value);
  };
  if (filter.status) equal('status', filter.status);
  if (filter.capability) equal('capability', filter.capability);
  if (filter.instance) equal('instance', filter.instance);
  if (filter.agency) equal('agency', filter.agency);
  const scope = scopeOf(filter);
  if (scope) {
    conditions.push(`agency IN (${scope.map(() => '?').join(', ') || 'NULL'})`);
    params.push(...scope);
  }
  if (filter.since !== undefined) {
    conditions.push('created_at >= ?');
    params.push(filter.since);
  }
  if (filter.until !== undefined) {
    conditions.push('created_at < ?');
    params.push(filter.until);
  }
  return { where: conditions.length > 0 ? conditions.join(' AND ') : '1 = 1', params };
}

/** The WHERE clause of an operator's message filter, with its parameters. */
export function filterClause(filter: MessageFilter): Clause {
  const fields = fieldConditions(filter);
  if (!filter.q) return fields;
  const identity = identityMatch(filter.q);
  const error = errorMatch(filter.q);
  return {
    where: `${fields.where} AND (${identity.where} OR ${error.where})`,
    params: [...fields.params, ...identity.params, ...error.params],
  };
}
