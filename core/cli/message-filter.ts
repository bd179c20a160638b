/** The message filter `messages list` and `replay` share: the same options as the admin API's query. */
import type { Command } from 'commander';
import type { MessageFilter, MessageStatus } from '../store/types.ts';
import { UsageError, parseTime } from './usage.ts';

const STATUSES: readonly MessageStatus[] = ['queued', 'processing', 'succeeded', 'dead'];

export interface FilterOptions {
  status?: string;
  capability?: string;
  instance?: string;
  agency?: string;
  since?: string;
  until?: string;
  q?: string;
}

const FILTER_NAMES = ['status', 'capability', 'instance', 'agency', 'since', 'until', 'q'] as const satisfies ReadonlyArray<keyof FilterOptions>;

export function withFilterOptions(command: Command): Command {
  return command
    .option('--status <status>', `${STATUSES.join(', ')}`)
    .option('--capability <name>', 'e.g. sms, payment, portal')
    .option('--instance <id>', 'a plugin instance of the config, e.g. sms-hue')
    .option('--agency <code>', 'e.g. 000.00.01.H22')
    .option('--since <time>', 'created at or after, ISO 8601, e.g. 2026-11-20T00:00:00+07:00')
    .option('--until <time>', 'created before, ISO 8601')
    .option('--q <text>', 'the message id or the reference, or a word of the last error');
}

export function hasFilter(options: FilterOptions): boolean {
  return FILTER_NAMES.some((name) => options[name] !== undefined);
}

/** Checked before any store is opened: a bad filter is a usage error wherever it is run. */
export function filterFrom(options: FilterOptions): MessageFilter {
  if (options.status !== undefined && !STATUSES.includes(options.status as MessageStatus)) {
    throw new UsageError(`--status is one of ${STATUSES.join(', ')}`);
  }
  const filter: MessageFilter = {};
  if (options.status) filter.status = options.status as MessageStatus;
  if (options.capability) filter.capability = options.capability;
  if (options.instance) filter.instance = options.instance;
  if (options.agency) filter.agency = options.agency;
  const since = parseTime(options.since, 'since');
  const until = parseTime(options.until, 'until');
  if (since !== undefined) filter.since = since;
  if (until !== undefined) filter.until = until;
  if (options.q) filter.q = options.q;
  return filter;
}
