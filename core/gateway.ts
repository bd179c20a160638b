import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import type { Logger } from 'pino';
import type { GatewayConfig } from './config/load.ts';
import type { GatewayContext } from './gateway-context.ts';
import { type Clock, systemClock } from './delivery/clock.ts';
import { Instances } from './runtime/instances.ts';
import type { HealthMonitorOptions } from './runtime/health-monitor.ts';
import { DeliveryWorker } from './delivery/worker.ts';
import type { WorkerOptions } from './delivery/worker-options.ts';
import { configLoadedEntry } from './audit/entries.ts';
import { createApp } from './http/app.ts';
import { type ConnectionLimits, capConnections, serverTimeouts } from './http/connection-limits.ts';
import { startRetention } from './retention.ts';
import { refreshPauses } from './runtime/pauses.ts';
import { pluginServices } from './runtime/plugin-services.ts';
import { startPluginTasks } from './runtime/plugin-tasks.ts';
import type { ConnectionCapName } from './metrics/connection-metrics.ts';
import { createMetrics } from './metrics/metrics.ts';
import type { AuditInput, Store } from './store/types.ts';
import { DeferredAudit } from './audit/deferred-audit.ts';

export interface GatewayOptions {
  config: GatewayConfig;
  store: Store;
  log: Logger;
  port: number;
  host: string;
  clock?: Clock;
  sandbox?: GatewayContext['sandbox'];
  worker?: Pick<WorkerOptions, 'pollIntervalMs' | 'batchSize' | 'leaseMarginMs'>;
  /** How often and how patiently each instance's provider health is checked in the background. */
  health?: HealthMonitorOptions;
  /** Check every plugin result against its capability's output schema (the sandbox does). */
  checkOutputs?: boolean;
}

export interface RunningGateway {
  url: string;
  context: GatewayContext;
  worker: DeliveryWorker;
  /** Stops taking requests, lets attempts in flight finish within `graceMs`, releases the rest, closes the store. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * How long a stop waits for attempts in flight, then again for requests in progress before their connections are
 * closed: a supervisor must allow twice this and more (TimeoutStopSec= in deploy/lienthong.service).
 */
export const STOP_GRACE_MS = 10_000;

export async function startGateway(options: GatewayOptions): Promise<RunningGateway> {
  const { config, store, log } = options;
  const instances = new Instances(config, log, { checkOutputs: options.checkOutputs });
  const clock = options.clock ?? systemClock;
  const metrics = createMetrics({ store, instances, clock, log });
  let listeningUrl = '';
  const publicUrl = () => config.publicUrl ?? listeningUrl;
  const notify = (...instances: string[]) => worker.notify(...instances);
  const deps = { store, instances, clock, notify, publicUrl };
  const worker: DeliveryWorker = new DeliveryWorker({
    store,
    instances,
    log: log.child({ component: 'worker' }),
    clock,
    onAttempt: metrics.observeAttempt,
    services: (instance) => pluginServices(deps, instance.id, 'worker'),
    ...options.worker,
  });
  const deferredAudit = new DeferredAudit(store, log);
  const auditAfterAnswer = (entry: AuditInput) => deferredAudit.add(entry);
  const context: GatewayContext = { store, config, instances, log, clock, notify, publicUrl, auditAfterAnswer, sandbox: options.sandbox, metrics };
  const app = createApp(context);
  // An instance paused before this start is paused from the first request on, not from the worker's first poll.
  await refreshPauses(store, instances, log);
  // Listening comes first: a gateway that cannot take its port writes nothing, not even its config.loaded entry.
  const server = await listen(app.fetch, options.port, options.host, config.connectionLimits, log, metrics.countRefusedConnection);
  try {
    await store.appendAudit([configLoadedEntry(config, clock.now())]);
  } catch (error) {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    throw error;
  }
  const address = server.address() as AddressInfo;
  const url = `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${address.port}`;
  listeningUrl = url;
  worker.start();
  // Messages another process stored (PostgreSQL): start them now rather than at the next poll.
  const known = new Set(instances.all.map((instance) => instance.id));
  const stopListening = store.onNewWork?.((stored) => {
    const ours = stored.filter((id) => known.has(id));
    if (ours.length > 0) worker.notify(...ours);
  });
  instances.health.start(clock, options.health);
  const stopRetention = startRetention(store, config, clock, log.child({ component: 'retention' }));
  const stopTasks = startPluginTasks(deps, log.child({ component: 'tasks' }));
  log.info({ url, instances: instances.all.map((instance) => instance.id) }, 'gateway listening');
  const calledBack = instances.all.filter((instance) => instance.plugin.callbacks).map((instance) => instance.id);
  if (!config.publicUrl && !options.sandbox && calledBack.length > 0) {
    log.warn({ instances: calledBack, callbackUrl: `${url}/v1/callbacks/<instance>` }, 'no publicUrl in the config: providers are told to call back on the address the gateway listens on');
  }

  let stopping: Promise<void> | undefined;
  const stop = (graceMs = STOP_GRACE_MS) => {
    stopping ??= (async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Idle keep-alive connections would hold close() open; requests in progress are let finish.
      server.closeIdleConnections();
      stopRetention();
      stopListening?.();
      instances.health.stop();
      await stopTasks();
      await worker.stop(graceMs);
      const forceClose = setTimeout(() => server.closeAllConnections(), graceMs);
      await closed;
      clearTimeout(forceClose);
      await deferredAudit.flush();
      await store.close();
      log.info('gateway stopped');
    })();
    return stopping;
  };
  return { url, context, worker, stop };
}

/**
 * Starts the HTTP server, its connections capped and timed out (connection-limits.ts); a port it cannot take is one
 * line saying which and what to do.
 */
function listen(fetch: (request: Request) => Response | Promise<Response>, port: number, host: string, limits: ConnectionLimits, log: Logger, onRefused: (cap: ConnectionCapName) => void): Promise<Server> {
  const server = createAdaptorServer({ fetch, serverOptions: serverTimeouts(limits) }) as Server;
  const cap = capConnections(server, limits, log, onRefused);
  log.info({ maxConnections: cap.max, maxConnectionsPerAddress: limits.maxConnectionsPerAddress || 'none', headersTimeoutMs: limits.headersTimeoutMs, requestTimeoutMs: limits.requestTimeoutMs, keepAliveTimeoutMs: limits.keepAliveTimeoutMs }, 'connection limits');
  return new Promise<Server>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') reject(new Error(`port ${port} on ${host} is in use: stop what listens there, or give another --port (or PORT)`));
      else if (error.code === 'EACCES') reject(new Error(`port ${port} on ${host} needs privileges this process lacks: use a port above 1023 behind the reverse proxy`));
      else if (error.code === 'EADDRNOTAVAIL') reject(new Error(`${host} is no address of this machine: give --host one of its addresses, or 127.0.0.1`));
      else reject(error);
    });
    server.listen(port, host, () => resolve(server));
  });
}
