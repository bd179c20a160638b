import { parseArgs } from 'node:util';
import { DEFAULT_POLICY } from '../runtime/policy.ts';
import { attemptView, operatorMessageView } from '../http/views.ts';
import type { MessageFilter, MessageStatus } from '../store/types.ts';
import type { CliIo } from './io.ts';
import { dbOption, withExistingStore } from './store.ts';
import { UsageError, parseTime } from './usage.ts';

const STATUSES: readonly MessageStatus[] = ['queued', 'processing', 'succeeded', 'dead'];

const filterOptions = {
  status: { type: 'string' },
  capability: { type: 'string' },
  instance: { type: 'string' },
  agency: { type: 'string' },
  since: { type: 'string' },
  until: { type: 'string' },
  q: { type: 'string' },
} as const;

function filterFrom(values: { [K in keyof typeof filterOptions]?: string | undefined }): MessageFilter {
  if (values.status !== undefined && !STATUSES.includes(values.status as MessageStatus)) {
    throw new UsageError(`--status is one of ${STATUSES.join(', ')}`);
  }
  const filter: MessageFilter = {};
  if (values.status) filter.status = values.status as MessageStatus;
  if (values.capability) filter.capability = values.capability;
  if (values.instance) filter.instance = values.instance;
  if (values.agency) filter.agency = values.agency;
  const since = parseTime(values.since, 'since');
  const until = parseTime(values.until, 'until');
  if (since !== undefined) filter.since = since;
  if (until !== undefined) filter.until = until;
  if (values.q) filter.q = values.q;
  return filter;
}

export async function messagesCommand(args: string[], io: CliIo): Promise<number> {
  const [verb, ...rest] = args;
  if (verb === 'list') {
    const { values } = parseArgs({ args: rest, options: { ...filterOptions, limit: { type: 'string' }, json: { type: 'boolean' }, ...dbOption } });
    const limit = Number(values.limit ?? 50);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new UsageError('--limit takes a number 1-1000');
    // The command line is checked before the store is opened: a bad filter is a usage error wherever it is run.
    const filter = filterFrom(values);
    const page = await withExistingStore(io, values.db, (store) => store.listMessages(filter, { limit }));
    const rows = page.messages.map((message) => operatorMessageView(message));
    if (values.json) io.stdout.write(`${JSON.stringify(rows)}\n`);
    else {
      for (const m of rows) {
        // One line per message: a provider's error text may hold line breaks, which would split the row.
        const lastError = (m.lastError ?? '').replace(/\s+/g, ' ').trim();
        io.stdout.write(`${m.id}  ${m.status.padEnd(10)} ${`${m.capability}/${m.operation}`.padEnd(22)} ${m.agency.padEnd(16)} ${m.attempts}/${m.maxAttempts}  ${m.createdAt}  ${lastError}\n`);
      }
      io.stdout.write(`${rows.length} message(s)${page.nextCursor ? ' (more: narrow the filter or raise --limit)' : ''}\n`);
    }
    return 0;
  }
  if (verb === 'show') {
    const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { json: { type: 'boolean' }, ...dbOption } });
    const [id] = positionals;
    if (!id) throw new UsageError('messages show takes a message id');
    const found = await withExistingStore(io, values.db, async (store) => {
      const message = await store.getMessage(id);
      return message && { ...operatorMessageView(message), attemptHistory: (await store.listAttempts(id)).map(attemptView) };
    });
    if (!found) {
      io.stderr.write(`no message ${id}\n`);
      return 1;
    }
    io.stdout.write(`${JSON.stringify(found, null, values.json ? undefined : 2)}\n`);
    return 0;
  }
  throw new UsageError(`messages takes list or show${verb ? `, not "${verb}"` : ''}`);
}

export async function replayCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { ...filterOptions, 'dry-run': { type: 'boolean' }, ...dbOption } });
  const byFilter = Object.keys(filterOptions).some((option) => values[option as keyof typeof filterOptions] !== undefined);
  if (positionals.length > 0 && byFilter) throw new UsageError('replay takes message ids or a filter, not both');
  if (positionals.length === 0 && !byFilter) throw new UsageError('replay takes message ids, or a filter such as --status dead');
  if (byFilter && values.status !== 'dead') throw new UsageError('only dead messages are replayed: give --status dead');
  // The CLI does not read the gateway config: replayed messages get the default max age from now.
  const maxAge = () => DEFAULT_POLICY.maxAgeMs;
  const filter = filterFrom(values);
  return withExistingStore(io, values.db, async (store) => {
    if (byFilter) {
      if (values['dry-run']) {
        const plan = await store.planReplay(filter);
        io.stdout.write(`would replay ${plan.total} dead message(s)${Object.entries(plan.byInstance).map(([i, n]) => `\n  ${i}: ${n}`).join('')}\n`);
        return 0;
      }
      const ids = await store.replay({ filter }, Date.now(), maxAge, 'cli');
      io.stdout.write(`queued ${ids.length} message(s) again\n`);
      return 0;
    }
    if (values['dry-run']) {
      // Nothing is written: only which of the ids a replay would queue again.
      const dead: string[] = [];
      for (const id of positionals) if ((await store.getMessage(id))?.status === 'dead') dead.push(id);
      for (const id of positionals) io.stdout.write(`${id}: ${dead.includes(id) ? 'would be queued again' : 'not replayed (unknown or not dead)'}\n`);
      return positionals.every((id) => dead.includes(id)) ? 0 : 1;
    }
    const ids = await store.replay({ ids: positionals }, Date.now(), maxAge, 'cli');
    for (const id of positionals) io.stdout.write(`${id}: ${ids.includes(id) ? 'queued again' : 'not replayed (unknown or not dead)'}\n`);
    // Every id counted, not the number queued: an id given twice is queued once.
    return positionals.every((id) => ids.includes(id)) ? 0 : 1;
  });
}
