/**
 * For the SMS benchmark's diagnostic figure (BENCH_SMS_SPLIT=1): the sandbox as tests/support/sandbox-main.ts
 * starts it with LIENTHONG_TEST_SMS_PLUGIN=sms-viettel, except that the sms-viettel instance points at a Viettel
 * simulator already running elsewhere (BENCH_VIETTEL_URL, with the account in BENCH_VIETTEL_ACCOUNT) instead of
 * one inside this process. The RequestID offset keeps its RequestIDs apart from the bare client's on the same
 * simulator. Delivery settings from LIENTHONG_TEST_DELIVERY (JSON). Prints `{"ready":…}` like the sandbox.
 */
import * as v from 'valibot';
import { createLogger } from '../core/logger.ts';
import { type AnyPlugin, type DeliveryOverrides, Secret } from '../core/plugin.ts';
import { startSandbox } from '../core/sandbox/sandbox.ts';
import { plugins } from '../plugins/index.ts';
import { SERVICE_PATH } from '../plugins/sms-viettel/simulator/server.ts';

/** Far above any RequestID the bare client uses on the shared simulator. */
const SPLIT_REQUEST_ID_OFFSET = 1_000_000_000_000;

const accountShape = v.object({ user: v.string(), password: v.string(), cpCode: v.string(), brandname: v.string() });
const account = v.parse(accountShape, JSON.parse(process.env.BENCH_VIETTEL_ACCOUNT ?? 'null'));
const external = process.env.BENCH_VIETTEL_URL;
if (!external) throw new Error('set BENCH_VIETTEL_URL to the running Viettel simulator');

const viettel: AnyPlugin | undefined = plugins.find((plugin) => plugin.id === 'sms-viettel');
if (!viettel) throw new Error('no sms-viettel plugin');
const outside: AnyPlugin = {
  ...viettel,
  simulator: {
    start: async () => ({ url: external, close: async () => {} }),
    sandboxConfig: (url) => ({
      endpoint: `${url}${SERVICE_PATH}`,
      user: account.user,
      password: new Secret(account.password),
      cpCode: account.cpCode,
      brandname: account.brandname,
      requestIdOffset: SPLIT_REQUEST_ID_OFFSET,
    }),
  },
};

const delivery = process.env.LIENTHONG_TEST_DELIVERY ? (JSON.parse(process.env.LIENTHONG_TEST_DELIVERY) as DeliveryOverrides) : undefined;
const sandbox = await startSandbox({
  plugins: plugins.map((plugin) => (plugin === viettel ? outside : plugin)),
  delivery,
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
