/**
 * The `lienthong` command. This is the composition root: the one place that reads the plugin list and hands it to core.
 * `run` is the whole command, callable in this process with other streams and another environment; run as a
 * program (`node bin/lienthong.js`, `tsx app/cli.ts`), this module calls it with the process's own.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { plugins } from './plugins.ts';
import { auditCommand } from '../core/cli/audit.ts';
import { type CliIo, processIo } from '../core/cli/io.ts';
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

export type { CliIo } from '../core/cli/io.ts';

/** Dispatches to a verb. undefined: the verb keeps running (serve, sandbox, simulate) until a signal stops it. */
async function main(argv: string[], io: CliIo): Promise<number | undefined> {
  const [command, ...args] = argv;
  switch (command) {
    case 'sandbox':
      await sandboxCommand(args, plugins, io);
      return undefined;
    case 'serve':
      await serveCommand(args, plugins, io);
      return undefined;
    case 'check-config':
      return checkConfigCommand(args, plugins, io);
    case 'simulate':
      await simulateCommand(args, plugins, io);
      return undefined;
    case 'keys':
      return keysCommand(args, io);
    case 'messages':
      return messagesCommand(args, io);
    case 'replay':
      return replayCommand(args, io);
    case 'audit':
      return auditCommand(args, io);
    case 'new-plugin':
      return newPluginCommand(args, io);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      io.stdout.write(`${USAGE}\n`);
      return command === undefined ? 2 : 0;
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

/**
 * Runs `lienthong …argv` and answers its exit code: 0, 1 (a refusal, a bad config, a failure) or 2 (a bad command
 * line, printed with the usage). undefined: the verb is a server that keeps running. Problems are written to
 * `io.stderr`; nothing of the process (exit code, environment, working directory) is changed.
 */
export async function run(argv: string[], io: CliIo = processIo()): Promise<number | undefined> {
  try {
    return await main(argv, io);
  } catch (error) {
    if (error instanceof UsageError || (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS'))) {
      io.stderr.write(`lienthong: ${error.message}\n\n${USAGE}\n`);
      return 2;
    }
    io.stderr.write(`lienthong: ${error instanceof ConfigError ? error.message : errorMessage(error)}\n`);
    return 1;
  }
}

/** This module is the program when the script node started is bin/lienthong.js (which imports it) or this file. */
function startedAsProgram(): boolean {
  const script = process.argv[1];
  if (!script) return false;
  const real = (file: string) => {
    try {
      return realpathSync(file);
    } catch {
      return undefined;
    }
  };
  const entries = [fileURLToPath(import.meta.url), fileURLToPath(new URL('../bin/lienthong.js', import.meta.url))].map(real);
  // `node bin/lienthong` names the script without its extension.
  return [script, `${script}.js`, `${script}.ts`].some((candidate) => {
    const file = real(candidate);
    return file !== undefined && entries.includes(file);
  });
}

if (startedAsProgram()) {
  const code = await run(process.argv.slice(2));
  if (code !== undefined) process.exitCode = code;
}
