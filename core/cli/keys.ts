import { parseArgs } from 'node:util';
import { createKey } from '../api-keys.ts';
import type { CliIo } from './io.ts';
import { dbOption, openExistingStore } from './store.ts';
import { UsageError } from './usage.ts';

export async function keysCommand(args: string[], io: CliIo): Promise<number> {
  const [verb, ...rest] = args;
  if (verb === 'create') return createKeyCommand(rest, io);
  if (verb === 'revoke') return revokeKeyCommand(rest, io);
  if (verb === 'list') return listKeysCommand(rest, io);
  throw new UsageError(`keys takes create, revoke or list${verb ? `, not "${verb}"` : ''}`);
}

async function createKeyCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { role: { type: 'string' }, agencies: { type: 'string' }, 'all-agencies': { type: 'boolean' }, label: { type: 'string' }, json: { type: 'boolean' }, ...dbOption },
  });
  if (values.role !== 'client' && values.role !== 'operator') throw new UsageError('keys create needs --role client or --role operator');
  const agencies = values.agencies?.split(',').map((code) => code.trim()).filter(Boolean);
  if (values.agencies !== undefined && !agencies?.length) throw new UsageError('--agencies takes agency codes separated by commas');
  // A key for every agency is a choice to make out loud, never what a forgotten option gives.
  if ((agencies === undefined) === !values['all-agencies']) {
    throw new UsageError('keys create needs either --agencies A,B (the agency codes the key acts for) or --all-agencies');
  }
  const store = await openExistingStore(io, values.db);
  try {
    const { token, key } = await createKey(store, { actor: 'cli', role: values.role, agencies: agencies ?? ['*'], ...(values.label ? { label: values.label } : {}) });
    if (values.json) io.stdout.write(`${JSON.stringify({ id: key.id, key: token, role: key.role, agencies: key.agencies })}\n`);
    else io.stdout.write(`created ${key.role} key ${key.id} for agencies ${key.agencies.join(',')}\n${token}\n(shown once: store it now)\n`);
    return 0;
  } finally {
    await store.close();
  }
}

async function revokeKeyCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: dbOption });
  const [id] = positionals;
  if (!id || positionals.length > 1) throw new UsageError('keys revoke takes one key id, e.g. key_3f2a9c1b7d4e');
  const store = await openExistingStore(io, values.db);
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

async function listKeysCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args, options: { json: { type: 'boolean' }, ...dbOption } });
  const store = await openExistingStore(io, values.db);
  try {
    const keys = (await store.listKeys()).map(({ hash: _hash, ...key }) => key);
    if (values.json) io.stdout.write(`${JSON.stringify(keys)}\n`);
    else for (const key of keys) io.stdout.write(`${key.id}  ${key.role.padEnd(8)} ${key.agencies.join(',').padEnd(20)} ${key.revokedAt ? 'revoked' : 'active '} ${key.label ?? ''}\n`);
    return 0;
  } finally {
    await store.close();
  }
}
