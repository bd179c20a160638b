import { Command } from 'commander';
import { attemptView, auditView, operatorMessageView } from '../http/views.ts';
import type { AuditStore, MessageStore } from '../store/types.ts';
import { type CliContext, existingDbOption, jsonOption, verbAction } from './command.ts';
import type { CliIo } from './io.ts';
import { type FilterOptions, filterFrom, withFilterOptions } from './message-filter.ts';
import { withExistingStore } from './store.ts';
import { table } from './table.ts';
import { inVietnamTime } from './time.ts';
import { UsageError } from './usage.ts';

/** As many audit entries of one message as the admin API's messages/{id} shows. */
const AUDIT_TRAIL_LIMIT = 500;

export function messagesCommand(context: CliContext): Command {
  const messages = new Command('messages').description('messages: list, show').usage('<command> [options]');
  withFilterOptions(messages.command('list').description('list messages, newest first'))
    .option('--limit <n>', 'at most this many, 1-1000 (default: 50)')
    .addOption(jsonOption('print the messages as JSON, as the admin API does (times in UTC)'))
    .addOption(existingDbOption())
    .action(verbAction(context, (command) => listCommand(command.opts(), context.io)));
  messages
    .command('show')
    .description('one message: its payload (personal data masked), its attempts and its audit trail')
    .argument('<id>', "the message's id, e.g. msg_01KAKW6G0J8Q4V1X5ZC2N7R9TB")
    .addOption(jsonOption('print it on one line, as the admin API does (times in UTC)'))
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
  const lines = rows.map((m) => [m.id, m.status, `${m.capability}/${m.operation}`, m.agency, `${m.attempts}/${m.maxAttempts}`, inVietnamTime(m.createdAt) ?? '', m.lastError ?? '']);
  if (lines.length > 0) io.stdout.write(`${table(['ID', 'STATUS', 'OPERATION', 'AGENCY', 'ATTEMPTS', 'CREATED', 'LAST ERROR'], lines)}\n`);
  io.stdout.write(`${rows.length} message(s)${page.nextCursor ? ' (more: narrow the filter or raise --limit)' : ''}\n`);
  return 0;
}

async function showCommand(id: string, options: { json?: boolean; db?: string }, io: CliIo): Promise<number> {
  const found = await withExistingStore(io, options.db, (store) => messageDetail(store, id));
  if (!found) {
    io.stderr.write(`lienthong: no message ${id} in this store: check the id (lienthong messages list shows them) and the store named above\n`);
    return 1;
  }
  io.stdout.write(options.json ? `${JSON.stringify(found)}\n` : `${JSON.stringify(inVietnamTimes(found), null, 2)}\n`);
  return 0;
}

/** The message as the admin API's messages/{id} answers it: with its attempts and its audit trail. */
async function messageDetail(store: MessageStore & AuditStore, id: string) {
  const message = await store.getMessage(id);
  if (!message) return undefined;
  const [attempts, audit] = await Promise.all([store.listAttempts(id), store.listAudit({ messageId: id }, AUDIT_TRAIL_LIMIT)]);
  return { ...operatorMessageView(message), attemptHistory: attempts.map(attemptView), auditTrail: audit.map(auditView) };
}

type MessageDetail = NonNullable<Awaited<ReturnType<typeof messageDetail>>>;

/** The same, its times in Vietnam's time for people to read. Times inside the payload and result stay as sent. */
function inVietnamTimes(detail: MessageDetail) {
  const at = inVietnamTime;
  return {
    ...detail,
    nextAttemptAt: at(detail.nextAttemptAt),
    createdAt: at(detail.createdAt),
    updatedAt: at(detail.updatedAt),
    cancelledAt: at(detail.cancelledAt),
    payloadPurgedAt: at(detail.payloadPurgedAt),
    expiresAt: at(detail.expiresAt),
    attemptHistory: detail.attemptHistory.map((attempt) => ({ ...attempt, startedAt: at(attempt.startedAt), finishedAt: at(attempt.finishedAt) })),
    auditTrail: detail.auditTrail.map((entry) => ({ ...entry, time: at(entry.time) })),
  };
}
