import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { Command } from 'commander';
import * as v from 'valibot';
import { NEW_KEY_VARIABLE, readNewAuditKey, rotateAuditKey, rotationReport } from '../audit/rotate.ts';
import { allEntries } from '../audit/verify-store.ts';
import { databaseUrl, storeFile } from '../store/open.ts';
import type { AuditEntry, AuditVerification } from '../store/types.ts';
import { type CliContext, existingDbOption, verbAction } from './command.ts';
import type { CliIo } from './io.ts';
import { readKeysFile } from './keys-file.ts';
import { openExistingStore, storeEnv } from './store.ts';
import { UsageError, parseTime } from './usage.ts';

const exportedEntry = v.object({
  seq: v.number(),
  at: v.number(),
  actor: v.string(),
  action: v.string(),
  messageId: v.optional(v.string()),
  instance: v.optional(v.string()),
  summary: v.record(v.string(), v.unknown()),
  prevHash: v.string(),
  hash: v.string(),
});

export function auditCommand(context: CliContext): Command {
  const audit = new Command('audit').description('the audit log: verify, export, rotate-key').usage('<command> [options]');
  audit
    .command('verify')
    .description('recompute the chain; exit 1 naming the first entry altered, removed, inserted or moved')
    .option('--export <file>', 'also check that the log still holds the last entry of this export')
    .option('--keys-file <file>', 'older audit keys, one a line, to verify across key rotations (also LIENTHONG_AUDIT_KEYS)')
    .addOption(existingDbOption())
    .action(verbAction(context, (command) => verifyCommand(command.opts(), context.io)));
  audit
    .command('export')
    .description('the audit entries as JSON lines, exactly as chained (README: how an entry is hashed)')
    .option('--since <time>', 'entries at or after, ISO 8601, e.g. 2026-11-01T00:00:00+07:00')
    .option('--until <time>', 'entries before, ISO 8601')
    .addOption(existingDbOption())
    .action(verbAction(context, (command) => exportCommand(command.opts(), context.io)));
  audit
    .command('rotate-key')
    .description(`chain the audit log with a new key from here on, recorded in the chain (the new key from --new-key-file or ${NEW_KEY_VARIABLE})`)
    .option('--new-key-file <file>', 'the new key (never on the command line, where ps shows it)')
    .addOption(existingDbOption())
    .action(verbAction(context, (command) => rotateKeyCommand(command.opts(), context.io)));
  return audit;
}

/**
 * Recomputes the chain, across key rotations with the older keys of LIENTHONG_AUDIT_KEYS and --keys-file; with
 * --export, also checks that the log still holds the export's last entry.
 */
async function verifyCommand(values: { export?: string; keysFile?: string; db?: string }, io: CliIo): Promise<number> {
  const exported = values.export ? await lastExportedEntry(values.export) : undefined;
  const olderAuditKeys = values.keysFile ? await readKeysFile(values.keysFile) : [];
  const store = await openExistingStore(io, values.db, { olderAuditKeys });
  try {
    const result = await store.verifyAudit(exported);
    if (result.ok) {
      io.stdout.write(`audit log intact: ${result.checked} entries, head ${result.head.seq} ${result.head.hash}\n`);
      return 0;
    }
    io.stderr.write(`${verdict(result)}\n`);
    return 1;
  } finally {
    await store.close();
  }
}

function verdict(result: Extract<AuditVerification, { ok: false }>): string {
  if (result.missingKeyId !== undefined) {
    return `audit log not verified from entry ${result.seq}: ${result.problem}; add that older key to LIENTHONG_AUDIT_KEYS or a --keys-file (${result.checked} entries checked before it, intact)`;
  }
  return `audit log TAMPERED at entry ${result.seq}: ${result.problem} (${result.checked} entries checked before it)`;
}

/** Chains the log with a new key from here on; the new key comes from --new-key-file or LIENTHONG_NEW_AUDIT_KEY. */
async function rotateKeyCommand(values: { newKeyFile?: string; db?: string }, io: CliIo): Promise<number> {
  const newKey = await readNewAuditKey({ file: values.newKeyFile, env: io.env[NEW_KEY_VARIABLE] });
  const store = await openExistingStore(io, values.db);
  try {
    const env = storeEnv(io, values.db);
    const done = await rotateAuditKey(store, databaseUrl(env) === undefined ? storeFile(env) : undefined, newKey, Date.now(), 'cli');
    io.stdout.write(`${rotationReport(done).join('\n')}\n`);
    return 0;
  } finally {
    await store.close();
  }
}

/** JSON lines, one entry each, exactly as chained: an export can be verified again later, and against the log. */
async function exportCommand(values: { since?: string; until?: string; db?: string }, io: CliIo): Promise<number> {
  const since = parseTime(values.since, 'since');
  const until = parseTime(values.until, 'until');
  const store = await openExistingStore(io, values.db);
  try {
    let count = 0;
    for await (const entry of allEntries(store)) {
      if ((since !== undefined && entry.at < since) || (until !== undefined && entry.at >= until)) continue;
      io.stdout.write(`${JSON.stringify(entry)}\n`);
      count += 1;
    }
    io.stderr.write(`exported ${count} audit entries\n`);
    return 0;
  } finally {
    await store.close();
  }
}

async function lastExportedEntry(file: string): Promise<AuditEntry> {
  let last: AuditEntry | undefined;
  let lineNumber = 0;
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Number.POSITIVE_INFINITY });
  try {
    for await (const line of lines) {
      lineNumber += 1;
      if (line.trim() === '') continue;
      const parsed = v.safeParse(exportedEntry, JSON.parse(line));
      if (!parsed.success) throw new UsageError(`${file} line ${lineNumber} is not an audit entry`);
      last = parsed.output;
    }
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`cannot read the export ${file}: ${(error as Error).message}`);
  }
  if (!last) throw new UsageError(`${file} holds no audit entry`);
  return last;
}
