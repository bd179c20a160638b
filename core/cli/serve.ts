import { parseArgs } from 'node:util';
import { readConfigFile } from '../config/load.ts';
import { startGateway } from '../gateway.ts';
import { createLogger } from '../logger.ts';
import type { AnyPlugin } from '../sdk/contract.ts';
import { openStore } from '../store/open.ts';
import { stopOnSignals } from './stop-on-signals.ts';
import { UsageError, parsePort } from './usage.ts';

export async function serveCommand(args: string[], plugins: readonly AnyPlugin[]): Promise<void> {
  const { values } = parseArgs({ args, options: { config: { type: 'string' }, port: { type: 'string' }, host: { type: 'string' } } });
  if (!values.config) throw new UsageError('serve needs --config FILE');
  const port = parsePort(values.port ?? process.env.PORT, 8080);
  const log = createLogger();
  const config = await readConfigFile(values.config, plugins);
  const store = await openStore();
  const starting = startGateway({ config, store, log, port, host: values.host ?? '0.0.0.0' });
  stopOnSignals(async () => (await starting).stop());
  await starting;
}
