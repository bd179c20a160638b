import type { Logger } from 'pino';
import { loadConfig } from '../config/load.ts';
import { type GatewayOptions, type RunningGateway, startGateway } from '../gateway.ts';
import type { AnyPlugin, DeliveryOverrides, RunningSimulator, SimulatorDefinition } from '../sdk/contract.ts';
import { webhookReceiver } from '../webhooks/receiver.ts';
import { Secret } from '../sdk/secret.ts';
import { openStore } from '../store/open.ts';
import { type SandboxKey, sandboxKeys } from './sandbox-keys.ts';

/** The sandbox's first agencies (the banner's examples use the first); a capability with more providers than this adds agencies of the same form. */
export const NAMED_AGENCIES = [
  { code: '000.00.01.H22', name: 'Sandbox one-stop office 1' },
  { code: '000.00.02.H22', name: 'Sandbox one-stop office 2' },
];

const WEBHOOK_SECRET_VARIABLE = 'LIENTHONG_SANDBOX_WEBHOOK_SECRET';
const PORT_BASE_VARIABLE = 'LIENTHONG_SANDBOX_PORT_BASE';

export interface SandboxOptions {
  plugins: readonly AnyPlugin[];
  port: number;
  log: Logger;
  env?: Record<string, string | undefined>;
  /** Applied to every instance, e.g. shorter backoff for rehearsals. */
  delivery?: DeliveryOverrides;
  worker?: GatewayOptions['worker'];
  health?: GatewayOptions['health'];
  /** Check every plugin result against its capability's output schema. Default true: the sandbox is where adapters are tried. */
  checkOutputs?: boolean;
}

export interface RunningSandbox {
  gateway: RunningGateway;
  simulators: Record<string, string>;
  keys: SandboxKey[];
  stop(graceMs?: number): Promise<void>;
}

/**
 * The sandbox: the webhook receiver and every plugin's simulator on its own port on 127.0.0.1 (from
 * LIENTHONG_SANDBOX_PORT_BASE upwards when set, in the plugin list's order after the receiver; free ports
 * otherwise), one instance of each plugin pointed at its simulator, the receiver subscribed to every event, and the
 * gateway on SQLite.
 */
export async function startSandbox(options: SandboxOptions): Promise<RunningSandbox> {
  const env = { ...(options.env ?? process.env) };
  const portBase = simulatorPortBase(env[PORT_BASE_VARIABLE]);
  const simulated: Array<{ id: string; definition: SimulatorDefinition; plugin?: AnyPlugin }> = [
    { id: 'webhook', definition: webhookReceiver },
    ...options.plugins.flatMap((plugin) => (plugin.simulator ? [{ id: plugin.id, definition: plugin.simulator, plugin }] : [])),
  ];
  const running: Array<{ id: string; simulator: RunningSimulator }> = [];
  try {
    for (const [index, { id, definition }] of simulated.entries()) {
      const port = portBase === undefined ? 0 : portBase + index;
      const simulator = await definition.start({ host: '127.0.0.1', port, log: options.log.child({ simulator: id }) });
      running.push({ id, simulator });
    }
    const urlOf = (id: string) => running.find((entry) => entry.id === id)?.simulator.url ?? '';
    const receiver = webhookReceiver.sandboxConfig(urlOf('webhook'));
    if (!(receiver.secret instanceof Secret)) throw new Error('the webhook receiver gave no secret');
    env[WEBHOOK_SECRET_VARIABLE] = receiver.secret.reveal();
    const webhooks = [{ id: 'onestop', url: String(receiver.url), secret: { env: WEBHOOK_SECRET_VARIABLE }, delivery: options.delivery }];
    const providers = simulated.flatMap((entry) => (entry.plugin ? [entry.plugin] : []));
    const agencies = sandboxAgencyList(providers);
    const instances = providers.map((plugin) => ({
      id: plugin.id,
      plugin: plugin.id,
      agencies: sandboxAgencies(plugin, providers, agencies),
      config: plugin.simulator?.sandboxConfig(urlOf(plugin.id)) ?? {},
      delivery: options.delivery,
    }));
    // No per-key rate limit in the sandbox: one developer's machine, and the harness of whole-gateway tests and benchmarks.
    const config = loadConfig({ agencies, instances, webhooks, limits: { requestsPerSecondPerKey: 0 } }, options.plugins, env);
    const store = await openStore(env, { sandbox: true, gateway: true });
    const simulators = Object.fromEntries(running.map(({ id, simulator }) => [id, simulator.url]));
    let keys: SandboxKey[];
    let gateway: RunningGateway;
    try {
      keys = await sandboxKeys(store, env);
      gateway = await startGateway({ config, store, log: options.log, port: options.port, host: '127.0.0.1', sandbox: { simulators }, worker: options.worker, health: options.health, checkOutputs: options.checkOutputs ?? true });
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

function simulatorPortBase(text: string | undefined): number | undefined {
  if (text === undefined || text === '') return undefined;
  const base = Number(text);
  if (!Number.isInteger(base) || base < 1 || base > 65_000) {
    throw new Error(`${PORT_BASE_VARIABLE} must be a port number from 1 to 65000, not '${text}'; unset it to take free ports`);
  }
  return base;
}

/** Enough agencies that every provider of every capability gets one of its own: at least the two named ones. */
export function sandboxAgencyList(plugins: readonly AnyPlugin[]): Array<{ code: string; name: string }> {
  const perCapability = new Map<string, number>();
  for (const plugin of plugins) perCapability.set(plugin.capability, (perCapability.get(plugin.capability) ?? 0) + 1);
  const count = Math.max(NAMED_AGENCIES.length, ...perCapability.values());
  return Array.from({ length: count }, (_, index) => {
    const number = String(index + 1).padStart(2, '0');
    return NAMED_AGENCIES[index] ?? { code: `000.00.${number}.H22`, name: `Sandbox one-stop office ${index + 1}` };
  });
}

/**
 * Which agencies a sandbox instance serves: all of them, unless several plugins offer one capability (two banks,
 * say); then the agencies are dealt out in turn, so that one sandbox routes each agency to one of the providers.
 */
export function sandboxAgencies(plugin: AnyPlugin, all: readonly AnyPlugin[], agencies = sandboxAgencyList(all)): string[] {
  const peers = all.filter((other) => other.capability === plugin.capability);
  if (peers.length < 2) return ['*'];
  const turn = peers.indexOf(plugin);
  return agencies.filter((_, index) => index % peers.length === turn).map((agency) => agency.code);
}
