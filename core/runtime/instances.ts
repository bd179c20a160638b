import type { AxiosInstance } from 'axios';
import type { Logger } from 'pino';
import type { GatewayConfig, InstanceSettings } from '../config/load.ts';
import { createHttpClient } from './outbound/http-client.ts';
import { CircuitBreaker } from './circuit-breaker.ts';
import { RateLimiter } from './rate-limiter.ts';

/** A plugin instance at run time: its settings plus the state the gateway keeps for it. */
export interface InstanceRuntime extends InstanceSettings {
  http: AxiosInstance;
  breaker: CircuitBreaker;
  limiter: RateLimiter;
  log: Logger;
  /** Whether each result is checked against the capability's output schema (the sandbox and tests: a plugin's contract). */
  checkOutputs: boolean;
}

export interface InstancesOptions {
  /** Check every result against its capability's output schema. Default false: in production a plugin is trusted. */
  checkOutputs?: boolean;
}

export class Instances {
  readonly all: readonly InstanceRuntime[];
  readonly #byId: ReadonlyMap<string, InstanceRuntime>;

  constructor(config: GatewayConfig, log: Logger, options: InstancesOptions = {}) {
    this.all = config.instances.map((settings) => ({
      ...settings,
      http: createHttpClient({ timeoutMs: settings.policy.timeoutMs, maxSockets: settings.policy.concurrency }),
      breaker: new CircuitBreaker(settings.policy.breakerThreshold, settings.policy.breakerCooldownMs),
      limiter: new RateLimiter(settings.policy.ratePerSecond),
      log: log.child({ instance: settings.id, plugin: settings.plugin.id }),
      checkOutputs: options.checkOutputs ?? false,
    }));
    this.#byId = new Map(this.all.map((instance) => [instance.id, instance]));
  }

  get(id: string): InstanceRuntime | undefined {
    return this.#byId.get(id);
  }

  /** The instance that serves `capability` for `agency`: one naming the agency wins over one serving '*'. */
  route(capability: string, agency: string): InstanceRuntime | undefined {
    const candidates = this.all.filter((instance) => instance.plugin.capability === capability && serves(instance, agency));
    return candidates.find((instance) => instance.agencies !== '*') ?? candidates[0];
  }
}

/** Whether `instance` serves `agency`: it names it, or serves every agency. */
export function serves(instance: InstanceSettings, agency: string): boolean {
  return instance.agencies === '*' || instance.agencies.has(agency);
}
