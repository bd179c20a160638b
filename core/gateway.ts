import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Logger } from 'pino';
import type { GatewayConfig } from './config/load.ts';
import type { GatewayContext } from './gateway-context.ts';
import { type Clock, systemClock } from './delivery/clock.ts';
import { Instances } from './runtime/instances.ts';
import { DeliveryWorker, type WorkerOptions } from './delivery/worker.ts';
import { configLoadedEntry } from './audit/entries.ts';
import { createApp } from './http/app.ts';
import { startRetention } from './retention.ts';
import { pluginServices } from './runtime/plugin-services.ts';
import { startPluginTasks } from './runtime/plugin-tasks.ts';
import { createMetrics } from './metrics/metrics.ts';
import type { Store } from './store/types.ts';

export interface GatewayOptions {
  config: GatewayConfig;
  store: Store;
  log: Logger;
  port: number;
  host: string;
  clock?: Clock;
  sandbox?: GatewayContext['sandbox'];
  worker?: Pick<WorkerOptions, 'pollIntervalMs' | 'batchSize' | 'leaseMarginMs'>;
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
  const context: GatewayContext = { store, config, instances, log, clock, notify, publicUrl, sandbox: options.sandbox, metrics };
  await store.appendAudit([configLoadedEntry(config, clock.now())]);
  const app = createApp(context);
  const server = await new Promise<Server>((resolve) => {
    const listening = serve({ fetch: app.fetch, port: options.port, hostname: options.host }, () => resolve(listening as Server));
  });
  const address = server.address() as AddressInfo;
  const url = `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${address.port}`;
  listeningUrl = url;
  worker.start();
  const stopRetention = startRetention(store, config, clock, log.child({ component: 'retention' }));
  const stopTasks = startPluginTasks(deps, log.child({ component: 'tasks' }));
  log.info({ url, instances: instances.all.map((instance) => instance.id) }, 'gateway listening');
  const calledBack = instances.all.filter((instance) => instance.plugin.callbacks).map((instance) => instance.id);
  if (!config.publicUrl && !options.sandbox && calledBack.length > 0) {
    log.warn({ instances: calledBack, callbackUrl: `${url}/v1/callbacks/<instance>` }, 'no publicUrl in the config: providers are told to call back on the address the gateway listens on');
  }

  let stopping: Promise<void> | undefined;
  const stop = (graceMs = 10_000) => {
    stopping ??= (async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Idle keep-alive connections would hold close() open; requests in progress are let finish.
      server.closeIdleConnections();
      stopRetention();
      await stopTasks();
      await worker.stop(graceMs);
      const forceClose = setTimeout(() => server.closeAllConnections(), graceMs);
      await closed;
      clearTimeout(forceClose);
      await store.close();
      log.info('gateway stopped');
    })();
    return stopping;
  };
  return { url, context, worker, stop };
}
