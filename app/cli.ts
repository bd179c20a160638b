/**
 * The `lienthong` command. This is the composition root: the one place that reads the plugin list and hands it to core.
 * `run` is the whole command, callable in this process with other streams and another environment. Started as the
 * program itself (`tsx app/cli.ts` from the sources, `node dist/app/cli.js` compiled), this module calls it with the
 * process's own; bin/lienthong.js (the installed command) imports the compiled module and calls it.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { plugins } from './plugins.ts';
import { type CliIo, processIo } from '../core/cli/io.ts';
import { runProgram } from '../core/cli/program.ts';
import { ConfigError } from '../core/config/config-error.ts';
import { errorMessage } from '../core/sdk/errors.ts';

export type { CliIo } from '../core/cli/io.ts';

/**
 * Runs `lienthong …argv` and answers its exit code: 0, 1 (a refusal, a bad config, a failure) or 2 (a bad command
 * line, printed with the usage). undefined: the verb is a server that keeps running. Problems are written to
 * `io.stderr`; nothing of the process (exit code, environment, working directory) is changed.
 */
export async function run(argv: string[], io: CliIo = processIo()): Promise<number | undefined> {
  try {
    return await runProgram(argv, io, plugins);
  } catch (error) {
    io.stderr.write(`lienthong: ${error instanceof ConfigError ? error.message : errorMessage(error)}\n`);
    return 1;
  }
}

/** This module is the program when the script node started is this file (named with or without its extension). */
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
  const self = real(fileURLToPath(import.meta.url));
  return [script, `${script}.js`, `${script}.ts`].some((candidate) => {
    const file = real(candidate);
    return file !== undefined && file === self;
  });
}

if (startedAsProgram()) {
  const code = await run(process.argv.slice(2));
  if (code !== undefined) process.exitCode = code;
}
