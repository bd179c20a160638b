import { Command } from 'commander';
import { loggerFor } from '../logger.ts';
import { sandboxBanner } from '../sandbox/banner.ts';
import { startSandbox } from '../sandbox/sandbox.ts';
import { type CliContext, verbAction } from './command.ts';
import { sayStore, storeEnv } from './store.ts';
import { stopOnSignals } from './stop-on-signals.ts';
import { parsePort } from './usage.ts';

export function sandboxCommand(context: CliContext): Command {
  return new Command('sandbox')
    .description('the gateway with every provider simulator, sandbox keys printed (what npm start runs)')
    .option('--port <n>', "the gateway's port (default: PORT, else 8080)")
    .option('--db <file>', 'the store, created if need be (default: LIENTHONG_DB, else ./data/sandbox.db)')
    .action(verbAction(context, (command) => sandbox(command.opts(), context)));
}

/** Runs until a signal stops the process (stop-on-signals.ts): a program's verb, not one to call in a test. */
async function sandbox(values: { port?: string; db?: string }, { io, plugins }: CliContext): Promise<undefined> {
  const env = storeEnv(io, values.db);
  const port = parsePort(values.port ?? io.env.PORT, 8080);
  sayStore(io, env, { sandbox: true });
  const starting = startSandbox({ plugins, port, log: loggerFor(io.env), env });
  const signals = stopOnSignals(async () => (await starting).stop(), io);
  const running = await starting;
  // Stopped while starting: no keys or curl lines for a sandbox that is going away.
  if (!signals.stopping()) io.stdout.write(`${sandboxBanner(running)}\n`);
  return undefined;
}
