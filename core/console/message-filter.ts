import type { MessageFilter, MessageStatus } from '../store/types.ts';
import type { Translate } from './i18n.ts';
import { parseVietnamInput } from './vietnam-time.ts';

const STATUSES: readonly MessageStatus[] = ['queued', 'processing', 'succeeded', 'dead'];

/** The list's filter as the URL carries it (and the form shows it back): every field a string, '' when unset. */
export interface FilterFields {
  status: string;
  capability: string;
  instance: string;
  agency: string;
  since: string;
  until: string;
  q: string;
}

export const FILTER_NAMES = ['status', 'capability', 'instance', 'agency', 'since', 'until', 'q'] as const;

/** The filter fields of a query (or a posted form), trimmed, each cut to a sane length. */
export function filterFieldsOf(read: (name: string) => string | undefined): FilterFields {
  const field = (name: string, max: number) => (read(name) ?? '').trim().slice(0, max);
  return {
    status: field('status', 20),
    capability: field('capability', 100),
    instance: field('instance', 100),
    agency: field('agency', 100),
    since: field('since', 30),
    until: field('until', 30),
    q: field('q', 200),
  };
}

/**
 * The store's filter for the fields, or the first field that is not valid with what is wrong (in the console's
 * language). Times are Vietnam time, as the form's `datetime-local` inputs give them.
 */
export function toMessageFilter(fields: FilterFields, t: Translate): { filter: MessageFilter } | { invalid: string } {
  const filter: MessageFilter = {};
  if (fields.status) {
    if (!STATUSES.includes(fields.status as MessageStatus)) return { invalid: t('messages.badFilter', { field: 'status', problem: STATUSES.join(', ') }) };
    filter.status = fields.status as MessageStatus;
  }
  if (fields.capability) filter.capability = fields.capability;
  if (fields.instance) filter.instance = fields.instance;
  if (fields.agency) filter.agency = fields.agency;
  for (const name of ['since', 'until'] as const) {
    if (!fields[name]) continue;
    const ms = parseVietnamInput(fields[name]);
    if (ms === undefined) return { invalid: t('messages.badFilter', { field: name, problem: t('messages.badTime') }) };
    filter[name] = ms;
  }
  if (fields.q) filter.q = fields.q;
  return { filter };
}

/** The fields as a query, without the empty ones. */
export function filterQuery(fields: FilterFields): Record<string, string> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== ''));
}
