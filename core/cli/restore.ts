import { resolve } from 'node:path';
import { Command } from 'commander';
import { auditKeys } from '../store/audit-key.ts';
import { storeFile } from '../store/open.ts';
import { restoreStore } from '../store/sqlite/restore.ts';
import { type CliContext, verbAction } from './command.ts';
import type { CliIo } from './io.ts';
import { readKeysFile } from './keys-file.ts';
import { sayStore, storeEnv } from './store.ts';
import { refusePostgres } from './store-copy-files.ts';

export function restoreCommand(context: CliContext): Command {
  return new Command('restore')
    .description('put a backup back as the store of a stopped gateway, once its audit chain verifies (PostgreSQL: pg_restore)')
    .usage('--from <file> [--db <file>] [--force]')
    .requiredOption('--from <file>', 'the backup, made by lienthong backup')
    .option('--db <file>', 'the store to restore (default: LIENTHONG_DB, else ./data/lienthong.db); refused if it exists')
    .option('--force', 'replace the store at --db if there is one')
    .option('--keys-file <file>', 'older audit keys, one a line, to verify across key rotations (also LIENTHONG_AUDIT_KEYS)')
    .action(verbAction(context, (command) => restore(command.opts(), context.io)));
}

async function restore(options: { from: string; db?: string; force?: boolean; keysFile?: string }, io: CliIo): Promise<number> {
  refusePostgres(io.env, 'restore');
  const env = storeEnv(io, options.db);
  const target = storeFile(env);
  // The key the restored store will be opened with, found as every verb finds it, and the keys before its rotations.
  const keys = await auditKeys(target, env, false);
  const older = options.keysFile ? await readKeysFile(options.keysFile) : [];
  sayStore(io, env);
  const facts = await restoreStore(options.from, target, { ...keys, older: [...keys.older, ...older] }, { replace: options.force });
  const audit = facts.head ? `audit log intact: ${facts.auditEntries} entries, head ${facts.head.seq} ${facts.head.hash}` : 'audit log empty';
  io.stdout.write(
    `restored ${resolve(target)} from ${resolve(options.from)}: schema version ${facts.schemaVersion}, ${facts.messages} message(s), ${audit}; ` +
      'start the gateway (migrations newer than the backup run at start)\n',
  );
  return 0;
}
