import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import * as v from 'valibot';
import { parseAuditKeys } from '../audit/keyring.ts';
import { NEW_KEY_VARIABLE, readNewAuditKey, rotateAuditKey, rotationReport } from '../audit/rotate.ts';
import { allEntries } from '../audit/verify-store.ts';
import { storeFile } from '../store/open.ts';
import type { AuditEntry, AuditVerification } from '../store/types.ts';
import type { CliIo } from './io.ts';
import { dbOption, openExistingStore, storeEnv } from './store.ts';
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

export async function auditCommand(args: string[], io: CliIo): Promise<number> {
  const [verb, ...rest] = args;
  if (verb === 'verify') return verifyCommand(rest, io);
  if (verb === 'export') return exportCommand(rest, io);
  if (verb === 'rotate-key') return rotateKeyCommand(rest, io);
  throw new UsageError(`audit takes verify, export or rotate-key${verb ? `, not "${verb}"` : ''}`);
}

/**
 * Recomputes the chain, across key rotations with the older keys of LIENTHONG_AUDIT_KEYS and --keys-file; with
 * --export, also checks that the log still holds the export's last entry.
 */
async function verifyCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args, options: { export: { type: 'string' }, 'keys-file': { type: 'string' }, ...dbOption } });
  const exported = values.export ? await lastExportedEntry(values.export) : undefined;
  const olderAuditKeys = values['keys-file'] ? await readKeysFile(values['keys-file']) : [];
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

async function readKeysFile(file: string): Promise<Buffer[]> {
  try {
    return parseAuditKeys(await readFile(file, 'utf8'), file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === undefined) throw error;
    throw new UsageError(`cannot read the keys file ${file}: ${(error as NodeJS.ErrnoException).code}`);
  }
}

/** Chains the log with a new key from here on; the new key comes from --new-key-file or LIENTHONG_NEW_AUDIT_KEY. */
async function rotateKeyCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args, options: { 'new-key-file': { type: 'string' }, ...dbOption } });
  const newKey = await readNewAuditKey({ file: values['new-key-file'], env: io.env[NEW_KEY_VARIABLE] });
  const store = await openExistingStore(io, values.db);
  try {
    const done = await rotateAuditKey(store, storeFile(storeEnv(io, values.db)), newKey, Date.now(), 'cli');
    io.stdout.write(`${rotationReport(done).join('\n')}\n`);
    return 0;
  } finally {
    await store.close();
  }
}

/** JSON lines, one entry each, exactly as chained: an export can be verified again later, and against the log. */
async function exportCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args, options: { since: { type: 'string' }, until: { type: 'string' }, ...dbOption } });
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
