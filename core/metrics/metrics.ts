import type { Handler, MiddlewareHandler } from 'hono';
import type { Logger } from 'pino';
import { Registry } from 'prom-client';
import type { Clock } from '../delivery/clock.ts';
import type { Instances } from '../runtime/instances.ts';
import type { AttemptEvent } from '../delivery/worker-options.ts';
import type { Store } from '../store/types.ts';
import { type ConnectionCapName, registerConnectionMetrics } from './connection-metrics.ts';
import { registerDeliveryMetrics } from './delivery-metrics.ts';
import { httpMetrics } from './http-metrics.ts';
import { registerProcessMetrics } from './process-metrics.ts';
import { registerQueueMetrics } from './queue-metrics.ts';

export interface MetricsSources {
  store: Store;
  instances: Instances;
  clock: Clock;
  log: Logger;
}

/** One gateway's Prometheus metrics, on a registry of its own (several gateways may share a process). */
export interface GatewayMetrics {
  readonly registry: Registry;
  /** Counts and times every request; mount it before everything else. */
  readonly httpMiddleware: MiddlewareHandler;
  /** `GET /metrics`: the exposition text. */
  readonly endpoint: Handler;
  /** Hand to the delivery worker as `onAttempt`. */
  readonly observeAttempt: (event: AttemptEvent) => void;
  /** Hand to the server's connection caps: one call per connection a cap closed. */
  readonly countRefusedConnection: (cap: ConnectionCapName) => void;
}

export function createMetrics(sources: MetricsSources): GatewayMetrics {
  const registry = new Registry();
  registerProcessMetrics(registry);
  const httpMiddleware = httpMetrics(registry);
  registerQueueMetrics(registry, sources);
  const observeAttempt = registerDeliveryMetrics(registry, sources);
  const countRefusedConnection = registerConnectionMetrics(registry);
  const endpoint: Handler = async function metricsEndpoint(c) {
    return c.body(await registry.metrics(), 200, { 'content-type': registry.contentType, 'cache-control': 'no-store' });
  };
  return { registry, httpMiddleware, endpoint, observeAttempt, countRefusedConnection };
}
