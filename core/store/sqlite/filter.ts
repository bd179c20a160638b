import type { MessageFilter } from '../types.ts';

/** The WHERE clause of an operator's message filter, with its parameters. */
export function filterClause(filter: MessageFilter): { where: string; params: unknown[] } {
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
  if (filter.agencies && !filter.agencies.includes('*')) {
    conditions.push(`agency IN (${filter.agencies.map(() => '?').join(', ') || 'NULL'})`);
    params.push(...filter.agencies);
  }
  if (filter.since !== undefined) {
    conditions.push('created_at >= ?');
    params.push(filter.since);
  }
  if (filter.until !== undefined) {
    conditions.push('created_at < ?');
    params.push(filter.until);
  }
  if (filter.q) {
    conditions.push("(id = ? OR reference = ? OR last_error LIKE ? ESCAPE '\\')");
    params.push(filter.q, filter.q, `%${filter.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  }
  return { where: conditions.length > 0 ? conditions.join(' AND ') : '1 = 1', params };
}
