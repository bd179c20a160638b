import { parseArgs } from 'node:util';
import { readConfigFile } from '../config/load.ts';
import { startGateway } from '../gateway.ts';
import { createLogger } from '../logger.ts';
import type { AnyPlugin } from '../plugin.ts';
import { startSandbox, sandboxBanner } from '../sandbox/sandbox.ts';
import { openStore } from '../store/open.ts';
import { UsageError, parsePort } from './usage.ts';

/**
 * Stops cleanly on SIGTERM or SIGINT: no new requests, attempts in flight finish or go back to the queue.
 * Callers install it before they start listening and print where they listen: a signal sent as soon as that line
 * appears (a supervisor, a test, Ctrl-C) must reach this handler, not Node's default, which kills the process.
 */
function stopOnSignals(stop: () => Promise<void>): { stopping(): boolean } {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    stopping = true;
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
    process.stderr.write(`${signal}: stopping\n`);
    stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  return { stopping: () => stopping };
}

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

export async function sandboxCommand(args: string[], plugins: readonly AnyPlugin[]): Promise<void> {
  const { values } = parseArgs({ args, options: { port: { type: 'string' } } });
  const starting = startSandbox({ plugins, port: parsePort(values.port ?? process.env.PORT, 8080), log: createLogger() });
  const signals = stopOnSignals(async () => (await starting).stop());
  const sandbox = await starting;
  // Stopped while starting: no keys or curl lines for a sandbox that is going away.
  if (!signals.stopping()) process.stdout.write(`${sandboxBanner(sandbox)}\n`);
}

export async function checkConfigCommand(args: string[], plugins: readonly AnyPlugin[]): Promise<void> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { config: { type: 'string' } } });
  const file = values.config ?? positionals[0];
  if (!file) throw new UsageError('check-config needs --config FILE');
  const config = await readConfigFile(file, plugins);
  process.stdout.write(`${file}: ok (${config.agencies.size} agencies, ${config.instances.length} instances: ${config.instances.map((i) => i.id).join(', ')})\n`);
}

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
