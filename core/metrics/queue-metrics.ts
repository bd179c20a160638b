import type { Logger } from 'pino';
import { Gauge, type Registry } from 'prom-client';
import type { Clock } from '../delivery/clock.ts';
import type { Instances } from '../runtime/instances.ts';
import { errorMessage } from '../sdk/errors.ts';
import type { InstanceQueueStats, MessageStatus, MessageViews } from '../store/types.ts';

export interface QueueSources {
  store: MessageViews;
  instances: Instances;
  clock: Clock;
  log: Logger;
}

const STATUSES: readonly MessageStatus[] = ['queued', 'processing', 'succeeded', 'dead'];
/** The capability of messages whose instance is no longer configured. */
const UNKNOWN_CAPABILITY = 'unknown';

/**
 * Message counts, queue depth and queue age, read from the store when Prometheus scrapes: one `queueStats()` per
 * scrape, shared by the three gauges. When the store cannot answer they show no series, and the log says why.
 */
export function registerQueueMetrics(registry: Registry, sources: QueueSources): void {
  const { instances, clock } = sources;
  const snapshot = oncePerScrape(async () => {
    try {
      return await sources.store.queueStats();
    } catch (error) {
      sources.log.warn({ err: errorMessage(error) }, 'metrics: could not read queue stats');
      return undefined;
    }
  });
  // Every configured instance has a series from the start, so an empty queue reads 0 rather than nothing.
  const perInstance = async (): Promise<Map<string, InstanceQueueStats> | undefined> => {
    const stats = await snapshot();
    if (!stats) return undefined;
    const byInstance = new Map(instances.all.map((instance) => [instance.id, emptyStats(instance.id)]));
    for (const entry of stats) byInstance.set(entry.instance, entry);
    return byInstance;
  };

  new Gauge<'capability' | 'status'>({
    name: 'lienthong_messages',
    help: 'Messages in the store, by capability and status.',
    labelNames: ['capability', 'status'],
    registers: [registry],
    async collect() {
      const stats = await perInstance();
      this.reset();
      if (!stats) return;
      for (const capability of new Set(instances.all.map((instance) => instance.plugin.capability))) {
        for (const status of STATUSES) this.set({ capability, status }, 0);
      }
      for (const entry of stats.values()) {
        const capability = instances.get(entry.instance)?.plugin.capability ?? UNKNOWN_CAPABILITY;
        for (const status of STATUSES) this.inc({ capability, status }, entry[status]);
      }
    },
  });

  new Gauge<'plugin_instance'>({
    name: 'lienthong_queue_depth',
    help: 'Messages waiting for delivery (queued or processing), by plugin instance.',
    labelNames: ['plugin_instance'],
    registers: [registry],
    async collect() {
      const stats = await perInstance();
      this.reset();
      for (const entry of stats?.values() ?? []) this.set({ plugin_instance: entry.instance }, entry.queued + entry.processing);
    },
  });

  new Gauge<'plugin_instance'>({
    name: 'lienthong_oldest_waiting_seconds',
    help: 'Age of the oldest message waiting for delivery, by plugin instance; 0 when none waits.',
    labelNames: ['plugin_instance'],
    registers: [registry],
    async collect() {
      const stats = await perInstance();
      const now = clock.now();
      this.reset();
      for (const entry of stats?.values() ?? []) {
        const ageMs = entry.oldestWaitingAt === null ? 0 : Math.max(0, now - entry.oldestWaitingAt);
        this.set({ plugin_instance: entry.instance }, ageMs / 1000);
      }
    },
  });
}

function emptyStats(instance: string): InstanceQueueStats {
  return { instance, queued: 0, processing: 0, dead: 0, succeeded: 0, oldestWaitingAt: null };
}

/**
 * Calls made while one load is pending share it. A registry collects every metric at once, so the gauges of
 * one scrape share one query; the next scrape reads afresh.
 */
function oncePerScrape<T>(load: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () =>
    (pending ??= load().finally(() => {
      pending = undefined;
    }));
}
