/**
 * For the portal benchmark: the sandbox with the national-portal plugin alone, pointed at a simulator already
 * running elsewhere (BENCH_PORTAL_URL, account in BENCH_PORTAL_ACCOUNT), its progress batching set from
 * BENCH_PORTAL_BATCH_SIZE (1 = off). Delivery settings from LIENTHONG_TEST_DELIVERY (JSON), worker settings from
 * LIENTHONG_TEST_WORKER. Prints `{"ready":…}` like tests/support/sandbox-main.ts.
 */
import * as v from 'valibot';
import { createLogger } from '../core/logger.ts';
import { type AnyPlugin, type DeliveryOverrides, Secret } from '../core/plugin.ts';
import { startSandbox } from '../core/sandbox/sandbox.ts';
import { plugins } from '../plugins/index.ts';
import { AUTH_PATH, INTEGRATION_PATH } from '../plugins/national-portal/simulator/server.ts';

const accountShape = v.object({ username: v.string(), password: v.string(), dstcode: v.string() });
const account = v.parse(accountShape, JSON.parse(process.env.BENCH_PORTAL_ACCOUNT ?? 'null'));
const external = process.env.BENCH_PORTAL_URL;
if (!external) throw new Error('set BENCH_PORTAL_URL to the running portal simulator');

const portal = plugins.find((plugin) => plugin.id === 'national-portal');
if (!portal) throw new Error('no national-portal plugin');
const outside: AnyPlugin = {
  ...portal,
  simulator: {
    start: async () => ({ url: external, close: async () => {} }),
    sandboxConfig: (url) => ({
      adapterUrl: url,
      authPath: AUTH_PATH,
      integrationPath: INTEGRATION_PATH,
      username: account.username,
      password: new Secret(account.password),
      dstcode: account.dstcode,
      progressBatchSize: Number(process.env.BENCH_PORTAL_BATCH_SIZE ?? 20),
    }),
  },
};

const json = (name: string) => (process.env[name] ? JSON.parse(process.env[name]) : undefined);
const sandbox = await startSandbox({
  plugins: [outside],
  delivery: json('LIENTHONG_TEST_DELIVERY') as DeliveryOverrides | undefined,
  worker: json('LIENTHONG_TEST_WORKER'),
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
