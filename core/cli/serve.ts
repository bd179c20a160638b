import { Command } from 'commander';
import { readConfigFile } from '../config/load.ts';
import { startGateway } from '../gateway.ts';
import { createLogger } from '../logger.ts';
import { openStore } from '../store/open.ts';
import { type CliContext, verbAction } from './command.ts';
import { sayStore, storeEnv } from './store.ts';
import { stopOnSignals } from './stop-on-signals.ts';
import { UsageError, parsePort } from './usage.ts';

export function serveCommand(context: CliContext): Command {
  return new Command('serve')
    .description('the gateway, as production runs it')
    .option('--config <file>', 'the config file (check it first with check-config)')
    .option('--port <n>', 'the port (default: PORT, else 8080)')
    .option('--host <host>', 'the address to listen on (default: 0.0.0.0)')
    .option('--db <file>', 'the store, created if need be (default: LIENTHONG_DB, else ./data/lienthong.db)')
    .action(verbAction(context, (command) => serve(command.opts(), context)));
}

/** Runs until a signal stops the process (stop-on-signals.ts): a program's verb, not one to call in a test. */
async function serve(values: { config?: string; port?: string; host?: string; db?: string }, { io, plugins }: CliContext): Promise<undefined> {
  if (!values.config) throw new UsageError('serve needs --config FILE');
  const port = parsePort(values.port ?? io.env.PORT, 8080);
  const log = createLogger(io.env.LOG_LEVEL ?? 'info');
  const config = await readConfigFile(values.config, plugins, io.env);
  const env = storeEnv(io, values.db);
  const store = await openStore(env, { gateway: true });
  sayStore(io, env);
  const starting = startGateway({ config, store, log, port, host: values.host ?? '0.0.0.0' });
  stopOnSignals(async () => (await starting).stop(), io);
  // A gateway that could not start (its port taken, say) leaves its store closed, as it found it.
  await starting.catch(async (error: unknown) => {
    await store.close();
    throw error;
  });
  return undefined;
}
