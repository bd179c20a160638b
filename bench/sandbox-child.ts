import * as v from 'valibot';
import { Secret } from '../core/sdk/secret.ts';
import { type ChildServer, startChild, urlReady } from './children.ts';

/** What tests/support/sandbox-main.ts prints when it listens. */
export const sandboxReady = v.object({
  url: v.string(),
  simulators: v.record(v.string(), v.string()),
  keys: v.object({ client: v.string(), operator: v.string() }),
});
export type SandboxReady = v.InferOutput<typeof sandboxReady>;

/** A child's own settings, never the ones the bench was started with: unset, each test hook leaves the sandbox as deployed. */
const unsetTestHooks = () => Object.fromEntries(Object.keys(process.env).filter((name) => name.startsWith('LIENTHONG_TEST_')).map((name) => [name, '']));

/**
 * The gateway's sandbox (tests/support/sandbox-main.ts) in a child process, with the sandbox's test hooks set by
 * `env` alone (LIENTHONG_TEST_PLUGINS, LIENTHONG_TEST_DELIVERY, LIENTHONG_TEST_EXTERNAL_SIMULATORS, …) and its
 * SQLite file in LIENTHONG_DB.
 */
export function startSandboxChild(env: Record<string, string> & { LIENTHONG_DB: string }): Promise<ChildServer<SandboxReady>> {
  // Results unchecked against the capability, as `serve` runs: the figures are the deployed gateway's.
  return startChild('tests/support/sandbox-main.ts', { ...unsetTestHooks(), LIENTHONG_TEST_CHECK_OUTPUTS: '0', ...env }, sandboxReady);
}

/** A plugin's simulator alone in a child process (bench/simulator-server.ts), accepting `account`. */
export function startSimulatorChild(plugin: 'sms-viettel' | 'national-portal' | 'ecard', account: object): Promise<ChildServer<v.InferOutput<typeof urlReady>>> {
  return startChild('bench/simulator-server.ts', { BENCH_SIMULATOR: plugin, BENCH_SIMULATOR_ACCOUNT: JSON.stringify(account) }, urlReady);
}

/**
 * The env that points a sandbox child's instances of these plugins at simulators running elsewhere
 * (LIENTHONG_TEST_EXTERNAL_SIMULATORS). Each Secret in a config becomes an `{ "env": … }` reference to a variable
 * set beside it, which the child's config loader resolves: no secret is written into the JSON.
 */
export function externalSimulatorsEnv(simulators: Record<string, { url: string; config: Record<string, unknown> }>): Record<string, string> {
  const secrets: Record<string, string> = {};
  const referenced = (value: unknown): unknown => {
    if (value instanceof Secret) {
      const name = `BENCH_SIMULATOR_SECRET_${Object.keys(secrets).length + 1}`;
      secrets[name] = value.reveal();
      return { env: name };
    }
    if (Array.isArray(value)) return value.map(referenced);
    if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, field]) => [key, referenced(field)]));
    return value;
  };
  const external = Object.fromEntries(Object.entries(simulators).map(([id, { url, config }]) => [id, { url, config: referenced(config) }]));
  return { ...secrets, LIENTHONG_TEST_EXTERNAL_SIMULATORS: JSON.stringify(external) };
}
