import type { Logger } from 'pino';
import type { GatewayConfig } from './config/load.ts';
import type { Clock } from './delivery/clock.ts';
import type { Instances } from './runtime/instances.ts';
import type { GatewayMetrics } from './metrics/metrics.ts';
import type { AuditInput, Store } from './store/types.ts';

/** What the HTTP layer and the CLI share of a running gateway. */
export interface GatewayContext {
  store: Store;
  config: GatewayConfig;
  instances: Instances;
  log: Logger;
  clock: Clock;
  /** Wakes the delivery worker: new work was stored for these instances (without instances: for every one). */
  notify(...instances: string[]): void;
  /** The gateway's base URL as providers reach it (for callback URLs): the config's `publicUrl`, or where it listens. */
  publicUrl(): string;
  /** Present in sandbox mode only: where each simulator listens. */
  sandbox?: { simulators: Record<string, string> };
  /** Records an entry off the answer's path, written a moment later with others (core/audit/deferred-audit.ts). */
  auditAfterAnswer(entry: AuditInput): void;
  /** Prometheus metrics; when present the app counts requests and serves `GET /metrics`. */
  metrics?: GatewayMetrics;
}
