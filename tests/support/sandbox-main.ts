/**
 * The sandbox as whole-gateway tests and benchmarks run it in a child process: every real plugin plus the
 * echo SMS stand-in (or only those LIENTHONG_TEST_PLUGINS names), with delivery settings from
 * LIENTHONG_TEST_DELIVERY, worker settings from LIENTHONG_TEST_WORKER and health-check settings from
 * LIENTHONG_TEST_HEALTH (JSON) so rehearsals need not wait minutes for backoff, leases or the next health check. Prints one JSON line `{"ready":…}` on stdout when it listens (announceSandbox).
 */
import { createLogger } from '../../core/logger.ts';
import type { AnyPlugin } from '../../core/sdk/contract.ts';
import { startSandbox } from '../../core/sandbox/sandbox.ts';
import { announceSandbox } from '../../core/sdk/testing/sandbox-process.ts';
import { plugins } from '../../app/plugins.ts';
import echoSms from './echo-sms/index.ts';

const json = (name: string) => (process.env[name] ? JSON.parse(process.env[name]) : undefined);

/** With LIENTHONG_TEST_ECHO_URL the echo provider runs outside this process, so it outlives a kill -9 of it. */
const externalEcho = process.env.LIENTHONG_TEST_ECHO_URL;
const echo: AnyPlugin = externalEcho
  ? { ...echoSms, simulator: { start: async () => ({ url: externalEcho, close: async () => {} }), sandboxConfig: (url) => ({ url }) } }
  : echoSms;

/**
 * LIENTHONG_TEST_EXTERNAL_SIMULATORS (JSON `{ <plugin id>: { url, config } }`, secrets in `config` as `{ "env": … }`):
 * those plugins' simulators run outside this process, so they keep their state across a restart of it.
 */
const externalSimulators: Record<string, { url: string; config: Record<string, unknown> }> = json('LIENTHONG_TEST_EXTERNAL_SIMULATORS') ?? {};
const withExternalSimulator = (plugin: AnyPlugin): AnyPlugin => {
  const external = externalSimulators[plugin.id];
  if (!external) return plugin;
  return { ...plugin, simulator: { start: async () => ({ url: external.url, close: async () => {} }), sandboxConfig: () => external.config } };
};

/** One SMS provider per sandbox (routing picks the first): echo-sms unless LIENTHONG_TEST_SMS_PLUGIN names another. */
const sms = process.env.LIENTHONG_TEST_SMS_PLUGIN || 'echo-sms';

const available = [...plugins, echo];
/** LIENTHONG_TEST_PLUGINS (`id,id`): only these plugins, e.g. for a benchmark of one provider without the others' simulators. */
const kept = process.env.LIENTHONG_TEST_PLUGINS ? process.env.LIENTHONG_TEST_PLUGINS.split(',').map((id) => id.trim()) : available.map((plugin) => plugin.id);
const notPlugins = [...kept, ...Object.keys(externalSimulators)].filter((id) => !available.some((plugin) => plugin.id === id));
if (notPlugins.length > 0) throw new Error(`no plugin ${notPlugins.join(', ')}; there are ${available.map((plugin) => plugin.id).join(', ')}`);

const sandbox = await startSandbox({
  plugins: available
    .filter((plugin) => kept.includes(plugin.id) && (plugin.capability !== 'sms' || plugin.id === sms))
    .map(withExternalSimulator),
  delivery: json('LIENTHONG_TEST_DELIVERY'),
  worker: json('LIENTHONG_TEST_WORKER'),
  health: json('LIENTHONG_TEST_HEALTH'),
  // LIENTHONG_TEST_CHECK_OUTPUTS=0: results unchecked, as `serve` runs (the benchmarks measure the gateway as deployed).
  checkOutputs: process.env.LIENTHONG_TEST_CHECK_OUTPUTS !== '0',
  port: Number(process.env.PORT ?? 0),
  log: createLogger(process.env.LOG_LEVEL ?? 'warn', process.stderr),
});
announceSandbox(sandbox);
