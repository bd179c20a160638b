import { Command } from 'commander';
import { DEFAULT_POLICY } from '../runtime/policy.ts';
import type { MessageFilter, MessageStore } from '../store/types.ts';
import { type CliContext, existingDbOption, verbAction } from './command.ts';
import type { CliIo } from './io.ts';
import { type FilterOptions, filterFrom, hasFilter, withFilterOptions } from './message-filter.ts';
import { terminalProgress } from './progress.ts';
import { withExistingStore } from './store.ts';
import { UsageError } from './usage.ts';

export function replayCommand(context: CliContext): Command {
  return withFilterOptions(
    new Command('replay')
      .description('put dead messages back in the queue with a fresh attempt budget: by id, or all that match --status dead and a filter')
      .usage('<id...> [--dry-run] | --status dead [filter options] [--dry-run]')
      .argument('[ids...]', 'message ids'),
  )
    .option('--dry-run', 'say what would be queued again, change nothing')
    .addOption(existingDbOption())
    .action(verbAction(context, (command) => replay(command.processedArgs[0] as string[], command.opts(), context.io)));
}

async function replay(ids: string[], options: FilterOptions & { dryRun?: boolean; db?: string }, io: CliIo): Promise<number> {
  const byFilter = hasFilter(options);
  if (ids.length > 0 && byFilter) throw new UsageError('replay takes message ids or a filter, not both');
  if (ids.length === 0 && !byFilter) throw new UsageError('replay takes message ids, or a filter such as --status dead');
  if (byFilter && options.status !== 'dead') throw new UsageError('only dead messages are replayed: give --status dead');
  // The CLI does not read the gateway config: replayed messages get the default max age from now.
  const maxAge = () => DEFAULT_POLICY.maxAgeMs;
  const filter = filterFrom(options);
  return withExistingStore(io, options.db, async (store) => {
    if (byFilter) {
      if (options.dryRun) {
        const plan = await store.planReplay(filter);
        io.stdout.write(`would replay ${plan.total} dead message(s)${Object.entries(plan.byInstance).map(([i, n]) => `\n  ${i}: ${n}`).join('')}\n`);
        return 0;
      }
      const queued = await replayInBatches(store, filter, maxAge, io);
      io.stdout.write(`queued ${queued} message(s) again\n`);
      return 0;
    }
    if (options.dryRun) {
      // Nothing is written: only which of the ids a replay would queue again.
      const dead: string[] = [];
      for (const id of ids) if ((await store.getMessage(id))?.status === 'dead') dead.push(id);
      for (const id of ids) io.stdout.write(`${id}: ${dead.includes(id) ? 'would be queued again' : 'not replayed (unknown or not dead)'}\n`);
      return ids.every((id) => dead.includes(id)) ? 0 : 1;
    }
    const queued = await store.replay({ ids }, Date.now(), maxAge, 'cli');
    for (const id of ids) io.stdout.write(`${id}: ${queued.includes(id) ? 'queued again' : 'not replayed (unknown or not dead)'}\n`);
    // Every id counted, not the number queued: an id given twice is queued once.
    return ids.every((id) => queued.includes(id)) ? 0 : 1;
  });
}

/** Messages queued again per transaction: each batch holds the store's write lock briefly, so a gateway beside goes on. */
export const REPLAY_BATCH = 500;

/**
 * A replay by filter, a batch at a time in sequence order, each message at most once (one that dies again meanwhile
 * is not taken twice), with its progress on a terminal. Answers how many were queued again.
 */
async function replayInBatches(store: MessageStore, filter: MessageFilter, maxAge: (instance: string) => number, io: CliIo): Promise<number> {
  const { total } = await store.planReplay(filter);
  const progress = terminalProgress(io.stderr, 'replay', 'messages');
  let queued = 0;
  try {
    for (let afterSequence = 0; ; ) {
      const ids = await store.replay({ filter, batch: { afterSequence, limit: REPLAY_BATCH } }, Date.now(), maxAge, 'cli');
      queued += ids.length;
      progress.update(queued, Math.max(total, queued));
      const last = ids.at(-1);
      const sequence = last === undefined ? undefined : (await store.getMessage(last))?.sequence;
      if (ids.length < REPLAY_BATCH || sequence === undefined) return queued;
      afterSequence = sequence;
    }
  } finally {
    progress.end();
  }
}
