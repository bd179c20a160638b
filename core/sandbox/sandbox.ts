import type { Logger } from 'pino';
import { loadConfig } from '../config/load.ts';
import { type GatewayOptions, type RunningGateway, startGateway } from '../gateway.ts';
import type { AnyPlugin, DeliveryOverrides, RunningSimulator } from '../plugin.ts';
import { Secret } from '../secret.ts';
import { openStore } from '../store/open.ts';
import { type SandboxKey, sandboxKeys } from './keys.ts';
import { sampleRequests } from './samples.ts';

/** Two agencies, so that agency scoping can be tried in the sandbox too. */
export const SANDBOX_AGENCIES = [
  { code: '000.00.01.H22', name: 'Sandbox one-stop office 1' },
  { code: '000.00.02.H22', name: 'Sandbox one-stop office 2' },
];

const WEBHOOK_SECRET_VARIABLE = 'LIENTHONG_SANDBOX_WEBHOOK_SECRET';

export interface SandboxOptions {
  plugins: readonly AnyPlugin[];
  port: number;
  log: Logger;
  env?: Record<string, string | undefined>;
  /** Applied to every instance, e.g. shorter backoff for rehearsals. */
  delivery?: DeliveryOverrides;
  worker?: GatewayOptions['worker'];
}

export interface RunningSandbox {
  gateway: RunningGateway;
  simulators: Record<string, string>;
  keys: SandboxKey[];
  stop(graceMs?: number): Promise<void>;
}

/**
 * The sandbox: every plugin's simulator on its own port on 127.0.0.1, one instance of each plugin pointed at
 * its simulator for every agency, the webhook receiver subscribed to every event, and the gateway on SQLite.
 */
export async function startSandbox(options: SandboxOptions): Promise<RunningSandbox> {
  const env = { ...(options.env ?? process.env) };
  const running: Array<{ plugin: AnyPlugin; simulator: RunningSimulator }> = [];
  try {
    for (const plugin of options.plugins) {
      if (!plugin.simulator) continue;
      const simulator = await plugin.simulator.start({ host: '127.0.0.1', port: 0, log: options.log.child({ simulator: plugin.id }) });
      running.push({ plugin, simulator });
    }
    const instances = [];
    const webhooks = [];
    for (const { plugin, simulator } of running) {
      const config = plugin.simulator?.sandboxConfig(simulator.url) ?? {};
      if (plugin.capability === 'webhook') {
        if (!(config.secret instanceof Secret)) throw new Error('the webhook simulator gave no secret');
        env[WEBHOOK_SECRET_VARIABLE] = config.secret.reveal();
        webhooks.push({ id: 'onestop', url: String(config.url), secret: { env: WEBHOOK_SECRET_VARIABLE }, delivery: options.delivery });
      } else {
        instances.push({ id: plugin.id, plugin: plugin.id, agencies: sandboxAgencies(plugin, running.map((entry) => entry.plugin)), config, delivery: options.delivery });
      }
    }
    // No per-key rate limit in the sandbox: one developer's machine, and the harness of whole-gateway tests and benchmarks.
    const config = loadConfig({ agencies: SANDBOX_AGENCIES, instances, webhooks, limits: { requestsPerSecondPerKey: 0 } }, options.plugins, env);
    const store = await openStore(env, { sandbox: true });
    const simulators = Object.fromEntries(running.map(({ plugin, simulator }) => [plugin.id, simulator.url]));
    let keys: SandboxKey[];
    let gateway: RunningGateway;
    try {
      keys = await sandboxKeys(store, env);
      gateway = await startGateway({ config, store, log: options.log, port: options.port, host: '127.0.0.1', sandbox: { simulators }, worker: options.worker });
    } catch (error) {
      await store.close();
      throw error;
    }
    const stop = async (graceMs?: number) => {
      await gateway.stop(graceMs);
      await Promise.all(running.map(({ simulator }) => simulator.close()));
    };
    return { gateway, simulators, keys, stop };
  } catch (error) {
    await Promise.all(running.map(({ simulator }) => simulator.close()));
    throw error;
  }
}

/**
 * Which agencies a sandbox instance serves: all of them, unless several plugins offer one capability (two banks,
 * say); then each takes its turn of the agencies, so that one sandbox routes two agencies to two providers.
 */
export function sandboxAgencies(plugin: AnyPlugin, all: readonly AnyPlugin[]): string[] {
  const peers = all.filter((other) => other.capability === plugin.capability);
  if (peers.length < 2) return ['*'];
  if (peers.length > SANDBOX_AGENCIES.length) {
    throw new Error(`the sandbox has ${SANDBOX_AGENCIES.length} agencies, one per provider of a capability: too few for ${peers.map((peer) => peer.id).join(', ')}`);
  }
  const agency = SANDBOX_AGENCIES[peers.indexOf(plugin)];
  return agency ? [agency.code] : [];
}

/** What a newcomer reads after `npm start`: where things are, the keys, and curl lines that work. */
export function sandboxBanner(sandbox: RunningSandbox): string {
  const { url } = sandbox.gateway;
  const client = sandbox.keys.find((key) => key.role === 'client');
  const operator = sandbox.keys.find((key) => key.role === 'operator');
  const showKey = (key: SandboxKey | undefined) => (key?.fromEnv ? `from $${key.fromEnv}` : (key?.token ?? ''));
  const shellKey = (key: SandboxKey | undefined) => (key?.fromEnv ? `$${key.fromEnv}` : (key?.token ?? ''));
  const agency = SANDBOX_AGENCIES[0]?.code ?? '';
  const lines = [
    '',
    `lienthong sandbox on ${url}`,
    '',
    `  client key:   ${showKey(client)}`,
    `  operator key: ${showKey(operator)}`,
    ...(client?.fromEnv || operator?.fromEnv ? [] : ['  (sandbox only: these keys are shown once and work against this database)']),
    '',
    '  simulators:',
    ...Object.entries(sandbox.simulators).map(([plugin, simulatorUrl]) => `    ${plugin.padEnd(20)} ${simulatorUrl}`),
    '',
    '  try:',
  ];
  for (const instance of sandbox.gateway.context.instances.all) {
    const sample = sampleRequests[instance.plugin.capability];
    if (!sample) continue;
    const body = JSON.stringify({ agency: instance.agencies === '*' ? agency : [...instance.agencies][0], ...sample.body });
    lines.push(
      `    curl -s -X POST ${url}/v1/${instance.plugin.capability}/${sample.operation} -H "Authorization: Bearer ${shellKey(client)}" -H 'content-type: application/json' -d '${body}'`,
    );
  }
  lines.push(`    curl -s ${url}/admin/v1/instances -H "Authorization: Bearer ${shellKey(operator)}"`, `    curl -s ${url}/sandbox.json`, '');
  return lines.join('\n');
}
