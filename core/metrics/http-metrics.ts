import type { Context, MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import { Counter, Histogram, type Registry } from 'prom-client';

type HttpLabel = 'method' | 'route' | 'status';

/** From 1 ms (an accepted message) to 10 s (a slow sync pass-through). */
const DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const DURATION = 'lienthong_http_request_duration_seconds';
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
/** How Hono marks what `app.use` registered: middleware, not a route. */
const MIDDLEWARE = 'ALL';

/**
 * Counts and times every request by method, route pattern and status. It runs on the hot accept path, so it
 * does one label look-up (the histogram's) and nothing else.
 */
export function httpMetrics(registry: Registry): MiddlewareHandler {
  const duration = new Histogram<HttpLabel>({
    name: DURATION,
    help: 'Time from receiving an HTTP request to its response, by method, matched route pattern and status.',
    labelNames: ['method', 'route', 'status'],
    buckets: DURATION_BUCKETS,
    registers: [registry],
  });
  new Counter<HttpLabel>({
    name: 'lienthong_http_requests_total',
    help: 'HTTP requests answered, by method, matched route pattern and status.',
    labelNames: ['method', 'route', 'status'],
    registers: [registry],
    // The histogram counts every request already: read its counts at scrape time rather than pay for a
    // second label look-up on every request (each costs about as much as the rest of the middleware).
    async collect() {
      const { values } = await duration.get();
      this.reset();
      for (const value of values) if (value.metricName === `${DURATION}_count`) this.inc(value.labels, value.value);
    },
  });
  return async function httpMetrics(c, next) {
    const startedAt = performance.now();
    let status = 500;
    try {
      await next();
      status = c.res.status;
    } finally {
      const labels = { method: METHODS.has(c.req.method) ? c.req.method : 'OTHER', route: routeLabel(c), status: String(status) };
      duration.observe(labels, (performance.now() - startedAt) / 1000);
    }
  };
}

/**
 * The pattern of the route that answered (`/v1/messages/:id`), never the path itself: paths hold message ids and
 * agency codes, which would make series without bound and put personal data in the metrics. When a middleware
 * answered first (401, 413), the route it stood in front of; `unmatched` when no route matched.
 */
export function routeLabel(c: Context): string {
  const routes = matchedRoutes(c);
  for (let index = c.req.routeIndex; index < routes.length; index++) {
    const route = routes[index];
    if (route && route.method !== MIDDLEWARE) return route.path;
  }
  return 'unmatched';
}
