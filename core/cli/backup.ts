import { resolve } from 'node:path';
import { Command } from 'commander';
import { refuseMissingStore, storeFile } from '../store/open.ts';
import { backupStore } from '../store/sqlite/backup.ts';
import { type CliContext, existingDbOption, verbAction } from './command.ts';
import type { CliIo } from './io.ts';
import { terminalProgress } from './progress.ts';
import { sayStore, storeEnv } from './store.ts';
import { refusePostgres } from './store-copy-files.ts';

export function backupCommand(context: CliContext): Command {
  return new Command('backup')
    .description('a consistent copy of the SQLite store, taken while the gateway runs (PostgreSQL: pg_dump)')
    .usage('--to <file> [--force] [--db <file>]')
    .requiredOption('--to <file>', 'the backup file to write (mode 0600); refused if it exists')
    .option('--force', 'replace --to if it exists')
    .addOption(existingDbOption())
    .action(verbAction(context, (command) => backup(command.opts(), context.io)));
}

async function backup(options: { to: string; force?: boolean; db?: string }, io: CliIo): Promise<number> {
  refusePostgres(io.env, 'backup');
  const env = storeEnv(io, options.db);
  const file = storeFile(env);
  refuseMissingStore(file, env);
  sayStore(io, env);
  const progress = terminalProgress(io.stderr, 'backup', 'pages');
  let summary;
  try {
    summary = await backupStore(file, options.to, { replace: options.force, onProgress: ({ copiedPages, totalPages }) => progress.update(copiedPages, totalPages) });
  } finally {
    progress.end();
  }
  const key = summary.auditKeyId ? `restore it with the audit key whose id is ${summary.auditKeyId}` : 'its audit log records no key yet';
  io.stdout.write(
    `backed up ${resolve(file)} to ${resolve(options.to)}: ${(summary.bytes / 2 ** 20).toFixed(1)} MiB, schema version ${summary.schemaVersion}, ` +
      `${summary.messages} message(s), ${summary.auditEntries} audit entries; ${key}\n`,
  );
  return 0;
}
