import { parseArgs } from 'node:util';
import { createLogger } from '../logger.ts';
import type { AnyPlugin } from '../sdk/contract.ts';
import { sandboxBanner, startSandbox } from '../sandbox/sandbox.ts';
import { stopOnSignals } from './stop-on-signals.ts';
import { parsePort } from './usage.ts';

export async function sandboxCommand(args: string[], plugins: readonly AnyPlugin[]): Promise<void> {
  const { values } = parseArgs({ args, options: { port: { type: 'string' } } });
  const starting = startSandbox({ plugins, port: parsePort(values.port ?? process.env.PORT, 8080), log: createLogger() });
  const signals = stopOnSignals(async () => (await starting).stop());
  const sandbox = await starting;
  // Stopped while starting: no keys or curl lines for a sandbox that is going away.
  if (!signals.stopping()) process.stdout.write(`${sandboxBanner(sandbox)}\n`);
}
