import { readFile } from 'node:fs/promises';
import * as v from 'valibot';
import { type DeliveryPolicy, resolvePolicy } from '../runtime/policy.ts';
import type { AnyPlugin } from '../sdk/contract.ts';
import { ConfigError } from './config-error.ts';
import { indexPlugins } from './plugins.ts';
import { webhookPlugin } from '../webhooks/index.ts';
import { type GatewayConfigFile, gatewayConfigSchema } from './schema.ts';
import { resolveSecrets } from './secrets.ts';
import { checkSubscribedEvents } from './subscribed-events.ts';
import { isUnknownKey, issueKeys, unknownKeyHint } from './unknown-keys.ts';

export interface InstanceSettings {
  id: string;
  plugin: AnyPlugin;
  /** Agency codes served; '*' for every agency. */
  agencies: '*' | ReadonlySet<string>;
  /** Validated by the plugin's schema, secrets resolved. */
  config: unknown;
  policy: DeliveryPolicy;
  /** For webhook subscriptions: the event types delivered ('*' for all). */
  events?: readonly string[];
}

export interface GatewayConfig {
  agencies: ReadonlyMap<string, { code: string; name?: string | undefined }>;
  instances: InstanceSettings[];
  bodyLimitBytes: number;
  /** Per API key, in each process: requests per second (0: no limit) and the burst above it. */
  keyRateLimit: { requestsPerSecond: number; burst: number };
  /** Per client address, in each process: requests without a valid API key (0: no limit) and the burst above it. */
  unknownKeyRateLimit: { requestsPerSecond: number; burst: number };
  /** The HTTP server's connections: caps and timeouts (core/http/connection-limits.ts). */
  connectionLimits: {
    /** Undefined: the default, bounded by the process's open-file limit. */
    maxConnections: number | undefined;
    /** 0: no cap per address. */
    maxConnectionsPerAddress: number;
    headersTimeoutMs: number;
    requestTimeoutMs: number;
    keepAliveTimeoutMs: number;
  };
  retention: { succeededPayloadDays?: number | undefined };
  /** Where providers reach the gateway; undefined: where it listens. */
  publicUrl?: string | undefined;
}

type Environment = Record<string, string | undefined>;

/** Reads and checks a config file; any problem stops startup with a message naming the file and field. */
export async function readConfigFile(path: string, plugins: readonly AnyPlugin[], env: Environment = process.env) {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ConfigError(
      `cannot read config file ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'}): check the path given to --config, and that the user lienthong runs as may read it`,
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`config file ${path} is not valid JSON: ${(error as Error).message}`);
  }
  return loadConfig(raw, plugins, env);
}

/** `webhookDelivery` replaces the built-in webhook delivery: for tests that script its outcomes. */
export function loadConfig(
  raw: unknown,
  plugins: readonly AnyPlugin[],
  env: Environment = process.env,
  options: { webhookDelivery?: AnyPlugin } = {},
): GatewayConfig {
  const byId = indexPlugins(plugins);
  const parsed = v.safeParse(gatewayConfigSchema, raw);
  if (!parsed.success) throw new ConfigError(describeFileIssues(parsed.issues, raw));
  const file = parsed.output;
  const agencies = new Map(file.agencies.map((agency) => [agency.code, agency]));
  const checkAgencies = (list: string[], where: string) => {
    for (const code of list) if (code !== '*' && !agencies.has(code)) throw new ConfigError(`${where}: agency '${code}' is not in the agencies list`);
    return list.includes('*') ? ('*' as const) : new Set(list);
  };

  const instances: InstanceSettings[] = file.instances.map((instance) => {
    const where = `instance '${instance.id}'`;
    const plugin = byId.get(instance.plugin);
    if (!plugin) throw new ConfigError(`${where}: unknown plugin '${instance.plugin}' (known: ${[...byId.keys()].join(', ')})`);
    const resolved = resolveSecrets(instance.config, `${where} config`, env);
    const config = v.safeParse(plugin.configSchema, resolved);
    if (!config.success) throw new ConfigError(`${where} (plugin '${plugin.id}'): config.${describeIssues(config.issues, plugin.configSchema)}`);
    return {
      id: instance.id,
      plugin,
      agencies: checkAgencies(instance.agencies, where),
      config: config.output,
      policy: resolvePolicy(plugin.delivery, instance.delivery),
    };
  });

  const webhook = options.webhookDelivery ?? webhookPlugin;
  const configured = instances.map((instance) => instance.plugin);
  for (const subscription of file.webhooks) {
    const where = `webhook '${subscription.id}'`;
    checkSubscribedEvents(where, subscription.events, configured, byId.values());
    const secret = resolveSecrets(subscription.secret, `${where} secret`, env);
    const config = v.safeParse(webhook.configSchema, { url: subscription.url, secret });
    if (!config.success) throw new ConfigError(`${where}: ${describeIssues(config.issues)}`);
    instances.push({
      id: `webhook-${subscription.id}`,
      plugin: webhook,
      agencies: checkAgencies(subscription.agencies, where),
      config: config.output,
      policy: resolvePolicy(webhook.delivery, subscription.delivery),
      events: subscription.events,
    });
  }

  const seen = new Set<string>();
  for (const instance of instances) {
    if (seen.has(instance.id)) throw new ConfigError(`instance '${instance.id}': the id is used twice`);
    seen.add(instance.id);
  }
  const { requestsPerSecondPerKey, burstPerKey } = file.limits;
  const keyRateLimit = { requestsPerSecond: requestsPerSecondPerKey, burst: burstPerKey ?? Math.max(1, Math.ceil(2 * requestsPerSecondPerKey)) };
  const { unknownKeyRateLimit, connectionLimits } = networkLimits(file.limits);
  return { agencies, instances, bodyLimitBytes: file.limits.bodyBytes, keyRateLimit, unknownKeyRateLimit, connectionLimits, retention: file.retention, publicUrl: file.publicUrl };
}

function networkLimits(limits: GatewayConfigFile['limits']): Pick<GatewayConfig, 'unknownKeyRateLimit' | 'connectionLimits'> {
  const { headersTimeoutMs, requestTimeoutMs } = limits;
  // Node's HTTP server refuses to start otherwise; said here, where the operator can fix it.
  if (headersTimeoutMs > requestTimeoutMs) {
    throw new ConfigError(`config: limits.headersTimeoutMs (${headersTimeoutMs}) must not be above limits.requestTimeoutMs (${requestTimeoutMs}): the whole request includes its headers`);
  }
  const rate = limits.unknownKeyRequestsPerSecondPerAddress;
  return {
    unknownKeyRateLimit: { requestsPerSecond: rate, burst: limits.unknownKeyBurstPerAddress ?? Math.max(1, Math.ceil(2 * rate)) },
    connectionLimits: {
      maxConnections: limits.connections,
      maxConnectionsPerAddress: limits.connectionsPerAddress,
      headersTimeoutMs,
      requestTimeoutMs,
      keepAliveTimeoutMs: limits.keepAliveTimeoutMs,
    },
  };
}

/**
 * Issues in the file itself, naming the instance or webhook by its id rather than by its index. An unknown key comes
 * first, with the key that was meant: it often explains another issue (`instance` leaves `instances` empty).
 */
function describeFileIssues(issues: readonly v.BaseIssue<unknown>[], raw: unknown): string {
  const unknownKey = issues.find(isUnknownKey);
  const first = unknownKey ?? issues[0];
  const keys = first ? issueKeys(first) : [];
  const [list, index, ...rest] = unknownKey ? keys.slice(0, -1) : keys;
  const entries = raw && typeof raw === 'object' && (list === 'instances' || list === 'webhooks') ? (raw as Record<string, unknown>)[list] : undefined;
  const id = Array.isArray(entries) && typeof index === 'number' ? (entries[index] as { id?: unknown } | undefined)?.id : undefined;
  if (unknownKey) {
    const problem = `unknown key '${String(keys.at(-1))}'${unknownKeyHint(gatewayConfigSchema, unknownKey)}`;
    const within = (path: unknown[]) => (path.length > 0 ? `${path.join('.')}: ` : '');
    if (typeof id === 'string') return `${list === 'instances' ? 'instance' : 'webhook'} '${id}': ${within(rest)}${problem}`;
    return `config: ${within(keys.slice(0, -1))}${problem}`;
  }
  if (!first || typeof id !== 'string' || rest.length === 0) return `config: ${describeIssues(issues)}`;
  return `${list === 'instances' ? 'instance' : 'webhook'} '${id}': ${rest.join('.')}: ${first.message}`;
}

/** Up to five issues on one line; a key that `schema` does not know gets the key that was meant. */
function describeIssues(issues: readonly v.BaseIssue<unknown>[], schema?: unknown): string {
  return issues
    .slice(0, 5)
    .map((issue) => {
      const hint = schema !== undefined && isUnknownKey(issue) ? unknownKeyHint(schema, issue, 'settings') : '';
      return `${v.getDotPath(issue) ?? '(root)'}: ${issue.message}${hint}`;
    })
    .join('; ');
}
