import { parseArgs } from 'node:util';
import { createLogger } from '../logger.ts';
import type { AnyPlugin } from '../sdk/contract.ts';
import type { CliIo } from './io.ts';
import { stopOnSignals } from './stop-on-signals.ts';
import { UsageError, parsePort } from './usage.ts';

/** Runs until a signal stops the process (stop-on-signals.ts): a program's verb, not one to call in a test. */
export async function simulateCommand(args: string[], plugins: readonly AnyPlugin[], io: CliIo): Promise<void> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { port: { type: 'string' }, host: { type: 'string' } } });
  const id = positionals[0];
  const plugin = plugins.find((candidate) => candidate.id === id);
  if (!id || !plugin) throw new UsageError(`simulate needs a plugin: ${plugins.filter((p) => p.simulator).map((p) => p.id).join(', ')}`);
  if (!plugin.simulator) throw new UsageError(`plugin '${id}' has no simulator`);
  const log = createLogger(io.env.LOG_LEVEL ?? 'info');
  const starting = plugin.simulator.start({ host: values.host ?? '127.0.0.1', port: parsePort(values.port, 0), log });
  stopOnSignals(async () => (await starting).close(), io);
  const simulator = await starting;
  io.stdout.write(`${id} simulator on ${simulator.url}\n  POST ${simulator.url}/__control  GET ${simulator.url}/__received\n`);
}
