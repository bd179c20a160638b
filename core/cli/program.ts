/**
 * The `lienthong` command line, parsed by commander: every verb answers `--help` with its own usage, unknown
 * options and verbs are refused with a suggestion, and nothing exits the process: output goes to the streams the
 * caller gives, and the exit code is answered.
 */
import { Command, CommanderError } from 'commander';
import type { AnyPlugin } from '../sdk/contract.ts';
import { auditCommand } from './audit.ts';
import { backupCommand } from './backup.ts';
import { checkConfigCommand } from './check-config.ts';
import type { CliContext } from './command.ts';
import { instancesCommand } from './instances.ts';
import type { CliIo } from './io.ts';
import { keysCommand } from './keys.ts';
import { messagesCommand } from './messages.ts';
import { newPluginCommand } from './new-plugin.ts';
import { replayCommand } from './replay.ts';
import { restoreCommand } from './restore.ts';
import { sandboxCommand } from './sandbox.ts';
import { serveCommand } from './serve.ts';
import { simulateCommand } from './simulate.ts';
import { storeCommand } from './store-copy.ts';

const NOTES = `
Each command answers --help, e.g. lienthong keys create --help.

Store: --db FILE, else LIENTHONG_DB, else ./data/lienthong.db (serve, keys, messages, replay, instances, audit,
  backup, restore) or ./data/sandbox.db (sandbox). Only serve and sandbox create a store, and restore puts one
  back from a backup; the other commands refuse one that does not exist. Each names its store on stderr
  ("store: PATH").
Times are printed in Vietnam's time (2026-12-07T13:05:00+07:00); --json answers give them in UTC, as the API does.

PostgreSQL instead: LIENTHONG_DATABASE_URL=postgres://… for every command but backup and restore (pool size:
  LIENTHONG_DATABASE_POOL_SIZE, default 10); lienthong store copy moves a SQLite store into it.

Environment: PORT (8080), LIENTHONG_HOST (127.0.0.1, serve), LIENTHONG_DB, LIENTHONG_SQLITE_BUSY_TIMEOUT_MS (5000),
  LIENTHONG_AUDIT_KEY, LIENTHONG_AUDIT_KEYS (keys before rotations), LIENTHONG_DATA_KEY, LOG_LEVEL (info),
  LOG_FORMAT (json, or pretty for a terminal),
  LIENTHONG_SANDBOX_CLIENT_KEY, LIENTHONG_SANDBOX_OPERATOR_KEY, LIENTHONG_SANDBOX_PORT_BASE.
  Each secret may be given as a file instead: LIENTHONG_AUDIT_KEY_FILE=PATH (systemd's LoadCredential), and so on.`;

export interface ProgramRun {
  program: Command;
  /** Whether commander wrote to stderr: a help it printed there answers a bad command line. */
  wroteToStderr(): boolean;
}

export function lienthongProgram(context: CliContext): ProgramRun {
  const program = new Command('lienthong')
    .description('lienthong — integration gateway for one-stop public-service software')
    .usage('<command> [options]')
    .addHelpText('after', NOTES);
  for (const verb of [
    sandboxCommand,
    serveCommand,
    checkConfigCommand,
    simulateCommand,
    keysCommand,
    messagesCommand,
    replayCommand,
    instancesCommand,
    auditCommand,
    backupCommand,
    restoreCommand,
    storeCommand,
    newPluginCommand,
  ]) {
    program.addCommand(verb(context));
  }
  let wroteToStderr = false;
  let errorShown = false;
  const configure = (command: Command) => {
    command
      .exitOverride()
      .showHelpAfterError()
      .configureOutput({
        writeOut: (text) => context.io.stdout.write(text),
        writeErr: (text) => {
          wroteToStderr = true;
          context.io.stderr.write(text);
        },
        // One line, as every other refusal: `lienthong: unknown option '--jsn' (did you mean --json?)`.
        outputError: (text, write) => {
          errorShown = true;
          write(`lienthong: ${text.replace(/^error: /, '').replace(/\n\(Did you mean (.*)\)\n?$/, ' (did you mean $1)').trimEnd()}\n`);
        },
      });
    if (command.commands.length > 0) {
      // A group without its verb (`lienthong keys`) is a bad command line too: said in a line before the usage.
      const verbs = command.commands.map((sub) => sub.name());
      const said = command === program ? 'give one of the commands below' : `${command.name()} needs one of its commands: ${verbs.join(', ')}`;
      command.addHelpText('before', ({ error }) => (error && !errorShown ? `lienthong: ${said}\n` : ''));
    }
    for (const sub of command.commands) configure(sub);
  };
  configure(program);
  return { program, wroteToStderr: () => wroteToStderr };
}

/**
 * Runs `lienthong …argv`: 0, 1 (a refusal, a bad config, a failure) or 2 (a bad command line, printed with the
 * usage); undefined for a server that keeps running. Errors other than the command line's are the caller's to report.
 */
export async function runProgram(argv: readonly string[], io: CliIo, plugins: readonly AnyPlugin[]): Promise<number | undefined> {
  const context: CliContext = { io, plugins, exitCode: 0 };
  const { program, wroteToStderr } = lienthongProgram(context);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return context.exitCode;
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    // --help, `help` and `help VERB` answer 0; the usage printed for a bad command line, 2.
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return 0;
    if (error.code === 'commander.help') return wroteToStderr() ? 2 : 0;
    return 2;
  }
}
