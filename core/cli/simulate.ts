import { parseArgs } from 'node:util';
import { createLogger } from '../logger.ts';
import type { AnyPlugin } from '../sdk/contract.ts';
import { stopOnSignals } from './stop-on-signals.ts';
import { UsageError, parsePort } from './usage.ts';

export async function simulateCommand(args: string[], plugins: readonly AnyPlugin[]): Promise<void> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { port: { type: 'string' }, host: { type: 'string' } } });
  const id = positionals[0];
  const plugin = plugins.find((candidate) => candidate.id === id);
  if (!id || !plugin) throw new UsageError(`simulate needs a plugin: ${plugins.filter((p) => p.simulator).map((p) => p.id).join(', ')}`);
  if (!plugin.simulator) throw new UsageError(`plugin '${id}' has no simulator`);
  const log = createLogger();
  const starting = plugin.simulator.start({ host: values.host ?? '127.0.0.1', port: parsePort(values.port, 0), log });
  stopOnSignals(async () => (await starting).close());
  const simulator = await starting;
  process.stdout.write(`${id} simulator on ${simulator.url}\n  POST ${simulator.url}/__control  GET ${simulator.url}/__received\n`);
}
