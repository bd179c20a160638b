import { parseArgs } from 'node:util';
import { readConfigFile } from '../config/load.ts';
import { startGateway } from '../gateway.ts';
import { createLogger } from '../logger.ts';
import type { AnyPlugin } from '../sdk/contract.ts';
import { openStore } from '../store/open.ts';
import type { CliIo } from './io.ts';
import { dbOption, sayStore, storeEnv } from './store.ts';
import { stopOnSignals } from './stop-on-signals.ts';
import { UsageError, parsePort } from './usage.ts';

/** Runs until a signal stops the process (stop-on-signals.ts): a program's verb, not one to call in a test. */
export async function serveCommand(args: string[], plugins: readonly AnyPlugin[], io: CliIo): Promise<void> {
  const { values } = parseArgs({ args, options: { config: { type: 'string' }, port: { type: 'string' }, host: { type: 'string' }, ...dbOption } });
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
}
