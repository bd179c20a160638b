import { Command } from 'commander';
import { attemptView, operatorMessageView } from '../http/views.ts';
import type { Store } from '../store/types.ts';
import { type CliContext, existingDbOption, jsonOption, verbAction } from './command.ts';
import type { CliIo } from './io.ts';
import { type FilterOptions, filterFrom, withFilterOptions } from './message-filter.ts';
import { withExistingStore } from './store.ts';
import { UsageError } from './usage.ts';

export function messagesCommand(context: CliContext): Command {
  const messages = new Command('messages').description('messages: list, show').usage('<command> [options]');
  withFilterOptions(messages.command('list').description('list messages, newest first'))
    .option('--limit <n>', 'at most this many, 1-1000 (default: 50)')
    .addOption(jsonOption('print the messages as JSON, as the admin API does'))
    .addOption(existingDbOption())
    .action(verbAction(context, (command) => listCommand(command.opts(), context.io)));
  messages
    .command('show')
    .description('one message: its payload (personal data masked) and its attempts')
    .argument('<id>', "the message's id, e.g. msg_01KAKW6G0J8Q4V1X5ZC2N7R9TB")
    .addOption(jsonOption('print it on one line'))
    .addOption(existingDbOption())
    .action(verbAction(context, (command) => showCommand(command.processedArgs[0] as string, command.opts(), context.io)));
  return messages;
}

async function listCommand(options: FilterOptions & { limit?: string; json?: boolean; db?: string }, io: CliIo): Promise<number> {
  const limit = Number(options.limit ?? 50);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new UsageError('--limit takes a number 1-1000');
  const filter = filterFrom(options);
  const page = await withExistingStore(io, options.db, (store) => store.listMessages(filter, { limit }));
  const rows = page.messages.map((message) => operatorMessageView(message));
  if (options.json) {
    io.stdout.write(`${JSON.stringify(rows)}\n`);
    return 0;
  }
  for (const m of rows) {
    // One line per message: a provider's error text may hold line breaks, which would split the row.
    const lastError = (m.lastError ?? '').replace(/\s+/g, ' ').trim();
    io.stdout.write(`${m.id}  ${m.status.padEnd(10)} ${`${m.capability}/${m.operation}`.padEnd(22)} ${m.agency.padEnd(16)} ${m.attempts}/${m.maxAttempts}  ${m.createdAt}  ${lastError}\n`);
  }
  io.stdout.write(`${rows.length} message(s)${page.nextCursor ? ' (more: narrow the filter or raise --limit)' : ''}\n`);
  return 0;
}

async function showCommand(id: string, options: { json?: boolean; db?: string }, io: CliIo): Promise<number> {
  const found = await withExistingStore(io, options.db, (store) => messageDetail(store, id));
  if (!found) {
    io.stderr.write(`no message ${id}\n`);
    return 1;
  }
  io.stdout.write(`${JSON.stringify(found, null, options.json ? undefined : 2)}\n`);
  return 0;
}

/** The message as the admin API's messages/{id} answers it, with its attempts. */
async function messageDetail(store: Store, id: string) {
  const message = await store.getMessage(id);
  return message && { ...operatorMessageView(message), attemptHistory: (await store.listAttempts(id)).map(attemptView) };
}
