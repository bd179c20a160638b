import { resolve } from 'node:path';
import { Command } from 'commander';
import { auditKeys } from '../store/audit-key.ts';
import { databaseUrl, refuseMissingStore } from '../store/open.ts';
import { copySqliteToPostgres } from '../store/postgres/copy-from-sqlite.ts';
import { databaseTarget, isPostgresUrl } from '../store/postgres/database-url.ts';
import { PostgresStore } from '../store/postgres/postgres-store.ts';
import { PayloadCipher } from '../store/payload-cipher.ts';
import { type CliContext, verbAction } from './command.ts';
import type { CliIo } from './io.ts';
import { readKeysFile } from './keys-file.ts';
import { terminalProgress } from './progress.ts';
import { UsageError } from './usage.ts';

/** `lienthong store …`: moving a store from one kind to another. */
export function storeCommand(context: CliContext): Command {
  return new Command('store')
    .description('move a SQLite store into PostgreSQL')
    .addCommand(
      new Command('copy')
        .description('copy a whole SQLite store (messages, attempts, keys, records, the audit chain) into an empty PostgreSQL database')
        .usage('--from <file> [--to <postgres url>] [--keys-file <file>]')
        .requiredOption('--from <file>', 'the SQLite store to copy (stop its gateway first: what it accepts later is not copied)')
        .option('--to <url>', 'the empty PostgreSQL database (default: LIENTHONG_DATABASE_URL, which keeps the password out of ps)')
        .option('--keys-file <file>', 'older audit keys, one a line, to verify the copy across key rotations (also LIENTHONG_AUDIT_KEYS)')
        .action(verbAction(context, (command) => copy(command.opts(), context.io))),
    );
}

async function copy(options: { from: string; to?: string; keysFile?: string }, io: CliIo): Promise<number> {
  const url = options.to ?? databaseUrl(io.env);
  if (!url) throw new UsageError('store copy needs the PostgreSQL database: --to postgres://… or LIENTHONG_DATABASE_URL');
  if (!isPostgresUrl(url)) throw new UsageError('--to must be a PostgreSQL URL: postgres://user:password@host:5432/database');
  refuseMissingStore(options.from, { LIENTHONG_DB: options.from });
  const where = databaseTarget(url).display;
  io.stderr.write(`store: ${resolve(options.from)} -> ${where}\n`);
  const progress = terminalProgress(io.stderr, 'copy', 'rows');
  let counts;
  try {
    counts = await copySqliteToPostgres(options.from, url, ({ copied, total }) => progress.update(copied, total));
  } finally {
    progress.end();
  }
  const copied = `${counts.messages} message(s), ${counts.attempts} attempt(s), ${counts.audit_log} audit entries, ${counts.api_keys} API key(s), ${counts.plugin_records} plugin record(s), ${counts.idempotency_keys} Idempotency-Key(s)`;
  io.stdout.write(`copied ${resolve(options.from)} to ${where}: ${copied}\n`);
  // The copy is verified with the key the source is chained with, found as every verb finds it.
  const env = { ...io.env, LIENTHONG_DATABASE_URL: undefined };
  const keys = await auditKeys(options.from, env, false).catch(() => undefined);
  if (!keys) {
    io.stdout.write('audit log not verified (no LIENTHONG_AUDIT_KEY): run lienthong audit verify with LIENTHONG_DATABASE_URL set to the copy\n');
    return 0;
  }
  const older = options.keysFile ? await readKeysFile(options.keysFile) : [];
  const store = await PostgresStore.open({
    url,
    auditKey: keys.key,
    auditKeyName: keys.name,
    olderAuditKeys: [...keys.older, ...older],
    dataKey: PayloadCipher.fromEnvironment(io.env.LIENTHONG_DATA_KEY),
    existing: true,
    gateway: false,
  });
  try {
    const verdict = await store.verifyAudit();
    if (!verdict.ok) {
      io.stdout.write(`audit log of the copy does not verify at entry ${verdict.seq}: ${verdict.problem}\n`);
      return 1;
    }
    io.stdout.write(`audit log of the copy intact: ${verdict.checked} entries, head ${verdict.head.seq} ${verdict.head.hash}; set LIENTHONG_DATABASE_URL and start the gateways\n`);
    return 0;
  } finally {
    await store.close();
  }
}
