import { Command } from 'commander';
import { readConfigFile } from '../config/load.ts';
import { type CliContext, verbAction } from './command.ts';
import { UsageError } from './usage.ts';

export function checkConfigCommand(context: CliContext): Command {
  return new Command('check-config')
    .description('check a config file as serve would (secrets resolved, nothing started) and exit')
    .usage('--config <file>')
    .argument('[file]', 'the config file, instead of --config')
    .option('--config <file>', 'the config file')
    .action(
      verbAction(context, async (command) => {
        const { io, plugins } = context;
        const file = command.opts<{ config?: string }>().config ?? (command.processedArgs[0] as string | undefined);
        if (!file) throw new UsageError('check-config needs --config FILE');
        const config = await readConfigFile(file, plugins, io.env);
        io.stdout.write(`${file}: ok (${count(config.agencies.size, 'agency', 'agencies')}, ${count(config.instances.length, 'instance', 'instances')}: ${config.instances.map((i) => i.id).join(', ')})\n`);
        return 0;
      }),
    );
}

const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
