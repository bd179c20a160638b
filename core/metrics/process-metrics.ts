import { Registry, collectDefaultMetrics } from 'prom-client';

let shared: Registry | undefined;

/**
 * Registers prom-client's default Node process metrics (CPU, memory, event loop lag, GC, handles) on `registry`.
 * They describe the process, not a gateway, so they are collected once per process and the same metric objects
 * are shared by every gateway's registry: each `collectDefaultMetrics` call would start another event-loop
 * monitor and GC observer that nothing can stop.
 */
export function registerProcessMetrics(registry: Registry): void {
  if (!shared) {
    shared = new Registry();
    collectDefaultMetrics({ register: shared });
  }
  for (const { name } of shared.getMetricsAsArray()) {
    const metric = shared.getSingleMetric(name);
    if (metric) registry.registerMetric(metric);
  }
}
