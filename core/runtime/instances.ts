import type { AxiosInstance } from 'axios';
import type { Logger } from 'pino';
import type { GatewayConfig, InstanceSettings } from '../config/load.ts';
import { createHttpClient } from './outbound/http-client.ts';
import { CircuitBreaker, type CircuitChange } from './circuit-breaker.ts';
import { HealthMonitor } from './health-monitor.ts';
import { RateLimiter } from './rate-limiter.ts';
import { errorMessage } from '../sdk/errors.ts';
import type { InstancePause } from '../store/types.ts';

/** A plugin instance at run time: its settings plus the state the gateway keeps for it. */
export interface InstanceRuntime extends InstanceSettings {
  http: AxiosInstance;
  breaker: CircuitBreaker;
  limiter: RateLimiter;
  log: Logger;
  /** Whether each result is checked against the capability's output schema (the sandbox and tests: a plugin's contract). */
  checkOutputs: boolean;
  /** An operator's pause, as this process last read it from the store (core/runtime/pauses.ts): no attempt starts. */
  pause: InstancePause | null;
}

export interface InstancesOptions {
  /** Check every result against its capability's output schema. Default false: in production a plugin is trusted. */
  checkOutputs?: boolean;
}

/** Told of every change of an instance's circuit (metrics). */
export type CircuitListener = (instance: string, change: CircuitChange) => void;

export class Instances {
  readonly all: readonly InstanceRuntime[];
  /** Each instance's provider health, checked in the background once started (the gateway starts and stops it). */
  readonly health: HealthMonitor;
  readonly #byId: ReadonlyMap<string, InstanceRuntime>;
  readonly #circuitListeners: CircuitListener[] = [];

  constructor(config: GatewayConfig, log: Logger, options: InstancesOptions = {}) {
    this.all = config.instances.map((settings) => {
      const instanceLog = log.child({ instance: settings.id, plugin: settings.plugin.id });
      const onChange = (change: CircuitChange) => this.#circuitChanged(settings.id, instanceLog, change);
      return {
        ...settings,
        http: createHttpClient({ timeoutMs: settings.policy.timeoutMs, maxSockets: settings.policy.concurrency }),
        breaker: new CircuitBreaker(settings.policy.breakerThreshold, settings.policy.breakerCooldownMs, onChange),
        limiter: new RateLimiter(settings.policy.ratePerSecond),
        log: instanceLog,
        checkOutputs: options.checkOutputs ?? false,
        pause: null,
      };
    });
    this.#byId = new Map(this.all.map((instance) => [instance.id, instance]));
    this.health = new HealthMonitor(this.all);
  }

  /** Adds a listener told of every change of any instance's circuit, after it is logged. */
  onCircuitChange(listener: CircuitListener): void {
    this.#circuitListeners.push(listener);
  }

  /** One log line per change, naming what happened and what the operator can do; then the listeners. */
  #circuitChanged(id: string, log: Logger, change: CircuitChange): void {
    const cooldown = `${Math.ceil(change.cooldownMs / 1000)} s`;
    const fields = { circuit: change.to, failures: change.failures };
    if (change.to === 'open') {
      const why = change.afterProbe ? 'opened again: its probe attempt failed' : `opened after ${change.failures} consecutive provider failures`;
      log.warn(fields, `circuit of instance ${id} ${why}; attempts wait and sync calls answer 503 until a probe succeeds, the next in ${cooldown}: check the provider's health, or pause the instance`);
    } else if (change.to === 'half-open') {
      log.info(fields, `circuit of instance ${id} half-open: one probe attempt goes to the provider; its success closes the circuit, its failure opens it for another ${cooldown}`);
    } else {
      log.info(fields, `circuit of instance ${id} closed: an attempt succeeded; attempts and sync calls go on as usual`);
    }
    for (const listener of this.#circuitListeners) {
      try {
        listener(id, change);
      } catch (error) {
        log.error({ err: errorMessage(error) }, 'a circuit listener failed; the circuit itself is not affected');
      }
    }
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
