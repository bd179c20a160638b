/**
 * The `lienthong` command. This is the composition root: the one place that reads the plugin list and hands it to core.
 */
import { plugins } from './plugins.ts';
import { auditCommand } from '../core/cli/audit.ts';
import { keysCommand } from '../core/cli/keys.ts';
import { newPluginCommand } from '../core/cli/new-plugin.ts';
import { messagesCommand, replayCommand } from '../core/cli/messages.ts';
import { checkConfigCommand } from '../core/cli/check-config.ts';
import { sandboxCommand } from '../core/cli/sandbox.ts';
import { serveCommand } from '../core/cli/serve.ts';
import { simulateCommand } from '../core/cli/simulate.ts';
import { USAGE, UsageError } from '../core/cli/usage.ts';
import { ConfigError } from '../core/config/config-error.ts';
import { errorMessage } from '../core/sdk/errors.ts';

async function main(argv: string[]): Promise<number | undefined> {
  const [command, ...args] = argv;
  switch (command) {
    case 'sandbox':
      await sandboxCommand(args, plugins);
      return undefined;
    case 'serve':
      await serveCommand(args, plugins);
      return undefined;
    case 'check-config':
      await checkConfigCommand(args, plugins);
      return 0;
    case 'simulate':
      await simulateCommand(args, plugins);
      return undefined;
    case 'keys':
      return keysCommand(args);
    case 'messages':
      return messagesCommand(args);
    case 'replay':
      return replayCommand(args);
    case 'audit':
      return auditCommand(args);
    case 'new-plugin':
      return newPluginCommand(args);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(`${USAGE}\n`);
      return command === undefined ? 2 : 0;
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== undefined) process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UsageError || (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS'))) {
      process.stderr.write(`lienthong: ${error.message}\n\n${USAGE}\n`);
      process.exitCode = 2;
    } else if (error instanceof ConfigError) {
      process.stderr.write(`lienthong: ${error.message}\n`);
      process.exitCode = 1;
    } else {
      process.stderr.write(`lienthong: ${errorMessage(error)}\n`);
      process.exitCode = 1;
    }
  },
);
