import { Command } from 'commander';
import { createKey } from '../api-keys.ts';
import { readConfigFile } from '../config/load.ts';
import { ConfigError } from '../config/config-error.ts';
import { type CliContext, existingDbOption, jsonOption, verbAction } from './command.ts';
import type { CliIo } from './io.ts';
import { openExistingStore } from './store.ts';
import { table } from './table.ts';
import { vietnamTime } from './time.ts';
import { UsageError } from './usage.ts';

export function keysCommand(context: CliContext): Command {
  const keys = new Command('keys').description('API keys: create, revoke, list').usage('<command> [options]');
  keys
    .command('create')
    .description('create an API key and print it once')
    .usage('--role client|operator --agencies A,B|--all-agencies [options]')
    .option('--role <role>', 'client (the one-stop software) or operator (/admin/v1)')
    .option('--agencies <codes>', 'the agency codes the key acts for, separated by commas')
    .option('--all-agencies', 'a key for every agency, instead of --agencies')
    .option('--label <text>', 'a note shown in keys list, e.g. who holds the key')
    .option('--config <file>', "the gateway's config: --agencies must name agencies it lists")
    .addOption(jsonOption('print { id, key, role, agencies } as JSON'))
    .addOption(existingDbOption())
    .action(verbAction(context, (command) => createKeyCommand(command.opts(), context)));
  keys
    .command('revoke')
    .description('revoke a key at once')
    .argument('<id>', "the key's id, e.g. key_3f2a9c1b7d4e")
    .addOption(existingDbOption())
    .action(verbAction(context, (command) => revokeKeyCommand(command.processedArgs[0] as string, command.opts(), context.io)));
  keys
    .command('list')
    .description('list the keys, never the keys themselves')
    .addOption(jsonOption('print the keys as JSON (times in UTC)'))
    .addOption(existingDbOption())
    .action(verbAction(context, (command) => listKeysCommand(command.opts(), context.io)));
  return keys;
}

interface CreateOptions {
  role?: string;
  agencies?: string;
  allAgencies?: boolean;
  label?: string;
  config?: string;
  json?: boolean;
  db?: string;
}

async function createKeyCommand(options: CreateOptions, { io, plugins }: CliContext): Promise<number> {
  const { role } = options;
  if (role !== 'client' && role !== 'operator') throw new UsageError('keys create needs --role client or --role operator');
  const agencies = options.agencies?.split(',').map((code) => code.trim()).filter(Boolean);
  if (options.agencies !== undefined && !agencies?.length) throw new UsageError('--agencies takes agency codes separated by commas');
  // A key for every agency is a choice to make out loud, never what a forgotten option gives.
  if ((agencies === undefined) === !options.allAgencies) {
    throw new UsageError('keys create needs either --agencies A,B (the agency codes the key acts for) or --all-agencies');
  }
  if (options.config !== undefined && agencies) await checkAgenciesKnown(options.config, agencies, { io, plugins });
  const store = await openExistingStore(io, options.db);
  try {
    const { token, key } = await createKey(store, { actor: 'cli', role, agencies: agencies ?? ['*'], ...(options.label ? { label: options.label } : {}) });
    if (options.json) io.stdout.write(`${JSON.stringify({ id: key.id, key: token, role: key.role, agencies: key.agencies })}\n`);
    else io.stdout.write(`created ${key.role} key ${key.id} for agencies ${key.agencies.join(',')}\n${token}\n(shown once: store it now)\n`);
    return 0;
  } finally {
    await store.close();
  }
}

const KNOWN_SHOWN = 20;

/** A key for an agency the gateway does not serve would be refused on every call: refused here instead, before the store is opened. */
async function checkAgenciesKnown(file: string, agencies: readonly string[], { io, plugins }: Pick<CliContext, 'io' | 'plugins'>): Promise<void> {
  const config = await readConfigFile(file, plugins, io.env);
  const unknown = agencies.filter((code) => !config.agencies.has(code));
  if (unknown.length === 0) return;
  const codes = [...config.agencies.keys()];
  // A province lists hundreds of agencies: the line names the first ones, and how many there are.
  const known = codes.length <= KNOWN_SHOWN ? codes.join(', ') : `${codes.slice(0, KNOWN_SHOWN).join(', ')}, … ${codes.length} in all`;
  const named = unknown.map((code) => `'${code}'`).join(', ');
  throw new ConfigError(`${file} has no agency ${named} (its agencies: ${known}): check the code, or add the agency to the config first`);
}

async function revokeKeyCommand(id: string, options: { db?: string }, io: CliIo): Promise<number> {
  const store = await openExistingStore(io, options.db);
  try {
    if (!(await store.revokeKey(id, Date.now(), 'cli'))) {
      io.stderr.write(`no active key ${id}\n`);
      return 1;
    }
    io.stdout.write(`revoked ${id}\n`);
    return 0;
  } finally {
    await store.close();
  }
}

async function listKeysCommand(options: { json?: boolean; db?: string }, io: CliIo): Promise<number> {
  const store = await openExistingStore(io, options.db);
  try {
    const keys = await store.listKeys();
    // As every JSON answer of the gateway writes times: ISO 8601 in UTC.
    const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
    if (options.json) io.stdout.write(`${JSON.stringify(keys.map(({ hash: _hash, ...key }) => ({ ...key, createdAt: iso(key.createdAt), revokedAt: iso(key.revokedAt) })))}\n`);
    else {
      const rows = keys.map((key) => [key.id, key.role, key.agencies.join(','), key.revokedAt === null ? 'active' : `revoked ${vietnamTime(key.revokedAt)}`, vietnamTime(key.createdAt), key.label ?? '']);
      io.stdout.write(`${table(['ID', 'ROLE', 'AGENCIES', 'STATUS', 'CREATED', 'LABEL'], rows)}\n`);
    }
    return 0;
  } finally {
    await store.close();
  }
}
