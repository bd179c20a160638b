import { parseArgs } from 'node:util';
import { createLogger } from '../logger.ts';
import type { AnyPlugin } from '../sdk/contract.ts';
import { sandboxBanner } from '../sandbox/banner.ts';
import { startSandbox } from '../sandbox/sandbox.ts';
import type { CliIo } from './io.ts';
import { dbOption, sayStore, storeEnv } from './store.ts';
import { stopOnSignals } from './stop-on-signals.ts';
import { parsePort } from './usage.ts';

/** Runs until a signal stops the process (stop-on-signals.ts): a program's verb, not one to call in a test. */
export async function sandboxCommand(args: string[], plugins: readonly AnyPlugin[], io: CliIo): Promise<void> {
  const { values } = parseArgs({ args, options: { port: { type: 'string' }, ...dbOption } });
  const env = storeEnv(io, values.db);
  const port = parsePort(values.port ?? io.env.PORT, 8080);
  sayStore(io, env, { sandbox: true });
  const starting = startSandbox({ plugins, port, log: createLogger(io.env.LOG_LEVEL ?? 'info'), env });
  const signals = stopOnSignals(async () => (await starting).stop(), io);
  const sandbox = await starting;
  // Stopped while starting: no keys or curl lines for a sandbox that is going away.
  if (!signals.stopping()) io.stdout.write(`${sandboxBanner(sandbox)}\n`);
}
