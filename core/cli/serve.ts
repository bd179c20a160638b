import { Command } from 'commander';
import { readConfigFile } from '../config/load.ts';
import { startGateway } from '../gateway.ts';
import { loggerFor } from '../logger.ts';
import { openStore } from '../store/open.ts';
import { type CliContext, verbAction } from './command.ts';
import type { CliIo } from './io.ts';
import { sayStore, storeEnv } from './store.ts';
import { stopOnSignals } from './stop-on-signals.ts';
import { UsageError, parsePort } from './usage.ts';

export const DEFAULT_HOST = '127.0.0.1';

export function serveCommand(context: CliContext): Command {
  return new Command('serve')
    .description('the gateway, as production runs it')
    .option('--config <file>', 'the config file (check it first with check-config)')
    .option('--port <n>', 'the port (default: PORT, else 8080)')
    .option('--host <host>', 'the address to listen on (default: LIENTHONG_HOST, else 127.0.0.1: behind a reverse proxy)')
    .option('--db <file>', 'the store, created if need be (default: LIENTHONG_DB, else ./data/lienthong.db)')
    .action(verbAction(context, (command) => serve(command.opts(), context)));
}

/**
 * Where serve listens: `--host`, else `LIENTHONG_HOST`, else loopback only, so that a gateway started without
 * thinking is reachable through the reverse proxy on the same machine and from nowhere else. (Not `HOST`: tcsh sets
 * that to the machine's name, which would open the gateway to the network unasked.)
 */
export function listenHost(option: string | undefined, env: CliIo['env']): string {
  if (option === '') throw new UsageError('--host takes an address, e.g. --host 127.0.0.1 or --host 0.0.0.0');
  return option ?? (env.LIENTHONG_HOST || DEFAULT_HOST);
}

/** Runs until a signal stops the process (stop-on-signals.ts): a program's verb, not one to call in a test. */
async function serve(values: { config?: string; port?: string; host?: string; db?: string }, { io, plugins }: CliContext): Promise<undefined> {
  if (!values.config) throw new UsageError('serve needs --config FILE');
  const port = parsePort(values.port ?? io.env.PORT, 8080);
  const log = loggerFor(io.env);
  const config = await readConfigFile(values.config, plugins, io.env);
  const env = storeEnv(io, values.db);
  const store = await openStore(env, { gateway: true });
  sayStore(io, env);
  const starting = startGateway({ config, store, log, port, host: listenHost(values.host, io.env) });
  stopOnSignals(async () => (await starting).stop(), io);
  // A gateway that could not start (its port taken, say) leaves its store closed, as it found it.
  await starting.catch(async (error: unknown) => {
    await store.close();
    throw error;
  });
  return undefined;
}
