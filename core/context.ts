import type { Logger } from 'pino';
import type { GatewayConfig } from './config/load.ts';
import type { Clock } from './delivery/clock.ts';
import type { Instances } from './delivery/instances.ts';
import type { GatewayMetrics } from './metrics/metrics.ts';
import { acceptedEntry } from './audit/summaries.ts';
import { eventMessages } from './delivery/messages.ts';
import type { GatewayEvent } from './plugin.ts';
import type { Store } from './store/types.ts';

/** What the HTTP layer and the CLI share of a running gateway. */
export interface GatewayContext {
  store: Store;
  config: GatewayConfig;
  instances: Instances;
  log: Logger;
  clock: Clock;
  /** Wakes the delivery worker: new work was stored. */
  notify(): void;
  /** Present in sandbox mode only: where each simulator listens. */
  sandbox?: { simulators: Record<string, string> };
  /** Prometheus metrics; when present the app counts requests and serves `GET /metrics`. */
  metrics?: GatewayMetrics;
}

/** Queues an event for every webhook subscription that wants it, durably and audited, and wakes the worker. */
export async function emitEvent(gateway: GatewayContext, event: GatewayEvent, actor: string): Promise<void> {
  const messages = eventMessages(gateway.instances, event, gateway.clock.now());
  await Promise.all(messages.map((message) => gateway.store.accept(message, { audit: acceptedEntry(message, actor) })));
  if (messages.length > 0) gateway.notify();
}
