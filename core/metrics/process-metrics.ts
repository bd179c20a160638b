import { Counter, Registry, collectDefaultMetrics } from 'prom-client';

let shared: Registry | undefined;

/**
 * Registers prom-client's default Node process metrics (CPU, memory, event loop lag, GC, handles) on `registry`.
 * They describe the process, not a gateway, so they are collected once per process and the same metric objects
 * are shared by every gateway's registry: each `collectDefaultMetrics` call would start another event-loop
 * monitor and GC observer that nothing can stop.
 *
 * Left out: gauges whose names end in `_total`, which `promtool check metrics` refuses (that suffix is for
 * counters). They are `nodejs_active_handles_total`, `nodejs_active_requests_total` and
 * `nodejs_active_resources_total`, each the sum of a gauge that is kept: `sum(nodejs_active_handles)` and so on.
 */
export function registerProcessMetrics(registry: Registry): void {
  if (!shared) {
    shared = new Registry();
    collectDefaultMetrics({ register: shared });
  }
  for (const { name } of shared.getMetricsAsArray()) {
    const metric = shared.getSingleMetric(name);
    if (!metric || (name.endsWith('_total') && !(metric instanceof Counter))) continue;
    registry.registerMetric(metric);
  }
}
