/**
 * For the e-card pass-through bench: the sandbox with the webhook and ecard plugins only, its ecard instance pointed
 * at a simulator already running in another process (BENCH_ECARD_URL, credentials in BENCH_ECARD_CREDENTIALS) and
 * its caches off, so that every `ecard/lookup` goes to the simulator and the figure is the pass-through's.
 * Prints `{"ready":…}` like tests/support/sandbox-main.ts.
 */
import * as v from 'valibot';
import { createLogger } from '../core/logger.ts';
import type { AnyPlugin } from '../core/plugin.ts';
import { startSandbox } from '../core/sandbox/sandbox.ts';
import ecard from '../plugins/ecard/index.ts';
import { simulatorConfig } from '../plugins/ecard/simulator/index.ts';
import webhook from '../plugins/webhook/index.ts';

const credentials = v.parse(
  v.object({ cardApiKey: v.string(), registryKey: v.string(), registrySecret: v.string() }),
  JSON.parse(process.env.BENCH_ECARD_CREDENTIALS ?? 'null'),
);
const external = process.env.BENCH_ECARD_URL;
if (!external) throw new Error('set BENCH_ECARD_URL to the running e-card simulator');

const outside: AnyPlugin = {
  ...ecard,
  simulator: {
    start: async () => ({ url: external, close: async () => {} }),
    sandboxConfig: (url) => ({ ...simulatorConfig(url, credentials), cache: { lookupTtlMs: 0, staleIfErrorMs: 0, documentsTtlMs: 0 } }),
  },
};

const sandbox = await startSandbox({
  plugins: [webhook, outside],
  port: Number(process.env.PORT ?? 0),
  log: createLogger(process.env.LOG_LEVEL ?? 'warn', process.stderr),
});
const keys = Object.fromEntries(sandbox.keys.map((key) => [key.role, key.token]));
process.stdout.write(`${JSON.stringify({ ready: { url: sandbox.gateway.url, simulators: sandbox.simulators, keys } })}\n`);

const stop = () => {
  sandbox.stop(5000).then(() => process.exit(0), () => process.exit(1));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
