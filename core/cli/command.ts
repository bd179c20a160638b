/**
 * What the `lienthong` verbs share: the context a command line runs in, and the action wrapper through which each
 * verb answers its exit code. The command line itself is parsed by commander (program.ts).
 */
import { type Command, Option } from 'commander';
import { withSecretFiles } from '../config/env-secret.ts';
import type { AnyPlugin } from '../sdk/contract.ts';
import type { CliIo } from './io.ts';
import { UsageError } from './usage.ts';

export interface CliContext {
  io: CliIo;
  plugins: readonly AnyPlugin[];
  /** What the verb that ran answered: 0, 1, or undefined for a server that keeps running. */
  exitCode: number | undefined;
}

/**
 * A commander action running `work` with the command it was given (its options in `command.opts()`, its arguments
 * in `command.processedArgs`), its environment's secret files read in (env-secret.ts). A UsageError becomes a bad command line: the message, the verb's usage, exit 2.
 */
export function verbAction(context: CliContext, work: (command: Command) => Promise<number | undefined>) {
  return async (...args: unknown[]): Promise<void> => {
    const command = args.at(-1) as Command;
    // Secrets given as files (LIENTHONG_AUDIT_KEY_FILE …) are read once, before the verb reads its environment.
    context.io = { ...context.io, env: withSecretFiles(context.io.env) };
    try {
      context.exitCode = await work(command);
    } catch (error) {
      if (error instanceof UsageError) command.error(error.message, { exitCode: 2, code: 'lienthong.usage' });
      throw error;
    }
  };
}

/** `--db FILE` for a verb that needs an existing store. */
export const existingDbOption = () =>
  new Option('--db <file>', 'the store, which must exist (default: LIENTHONG_DB, else ./data/lienthong.db)');

export const jsonOption = (description: string) => new Option('--json', description);
