import { parseArgs } from 'node:util';
import { readConfigFile } from '../config/load.ts';
import type { AnyPlugin } from '../sdk/contract.ts';
import type { CliIo } from './io.ts';
import { UsageError } from './usage.ts';

export async function checkConfigCommand(args: string[], plugins: readonly AnyPlugin[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { config: { type: 'string' } } });
  const file = values.config ?? positionals[0];
  if (!file) throw new UsageError('check-config needs --config FILE');
  const config = await readConfigFile(file, plugins, io.env);
  io.stdout.write(`${file}: ok (${config.agencies.size} agencies, ${config.instances.length} instances: ${config.instances.map((i) => i.id).join(', ')})\n`);
  return 0;
}
