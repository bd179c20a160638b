/**
 * A program, not a test: what the HTTP metrics middleware costs per request. Run:
 * `npx tsx bench/metrics-middleware-cost.ts` (MIDDLEWARE_COST_CALLS, default 500000).
 *
 * 1. Alone: the middleware is called on contexts captured from real requests to an app shaped like the
 *    gateway's (a pattern route, a refusal by a `/v1/*` middleware, an unmatched path), with a `next` that does
 *    nothing: its own work (clock reads, route label, counter and histogram updates) and nothing else.
 * 2. In the app: the same app with and without it through `app.fetch`, in interleaved rounds. A request there
 *    costs tens of µs, so on a busy machine this only bounds the cost; the first number is the one to read.
 */
import { type Context, Hono, type MiddlewareHandler } from 'hono';
import { requestId } from 'hono/request-id';
import { Registry } from 'prom-client';
import { httpMetrics } from '../core/metrics/http-metrics.ts';

const CALLS = Number(process.env.MIDDLEWARE_COST_CALLS ?? 500_000);
const ROUNDS = 7;
/** Ids vary as in real traffic, so that the labels must come from the pattern. */
const REQUESTS: Array<[method: string, path: string]> = [
  ['POST', '/v1/sms/send'],
  ['GET', '/v1/messages/01JNZ00000000000000000001'],
  ['GET', '/v1/messages/01JNZ00000000000000000002'],
  ['POST', '/v1/refused/here'],
  ['GET', '/healthz'],
  ['GET', '/nope/000.00.01.H22'],
];

function gatewayShapedApp(first: MiddlewareHandler[]): Hono {
  const app = new Hono();
  for (const middleware of first) app.use(middleware);
  app.use(requestId());
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.use('/v1/*', async function auth(c, next) {
    if (c.req.path.includes('refused')) return c.json({ title: 'Unauthorized' }, 401);
    await next();
  });
  const messages = new Hono();
  messages.get('/:id', (c) => c.json({ id: c.req.param('id'), status: 'queued' }));
  const operations = new Hono();
  operations.post('/:capability/:operation', (c) => c.json({ id: 'x', status: 'queued' }, 202));
  app.route('/v1/messages', messages);
  app.route('/v1', operations);
  return app;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
const ns = (value: number) => `${value.toFixed(0)} ns`;

// 1. Alone.
const contexts: Context[] = [];
const capturing = gatewayShapedApp([
  async function capture(c, next) {
    await next();
    contexts.push(c);
  },
]);
for (const [method, path] of REQUESTS) await capturing.fetch(new Request(`http://gateway${path}`, { method }));
const registry = new Registry();
const middleware = httpMetrics(registry);
const noop: MiddlewareHandler = async function noop(_c, next) {
  await next();
};
const next = async () => undefined;
async function callEach(handler: MiddlewareHandler, calls: number): Promise<number> {
  const startedAt = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) await handler(contexts[i % contexts.length] as Context, next);
  return Number(process.hrtime.bigint() - startedAt) / calls;
}
await callEach(middleware, CALLS / 10);
await callEach(noop, CALLS / 10);
const alone: number[] = [];
const baseline: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  alone.push(await callEach(middleware, CALLS));
  baseline.push(await callEach(noop, CALLS));
}
const labels = (await registry.getMetricsAsJSON()).find((metric) => metric.name === 'lienthong_http_requests_total')?.values.map((value) => `${value.labels.method} ${value.labels.route} ${value.labels.status}`);
process.stdout.write(`alone, per call (median of ${ROUNDS} rounds of ${CALLS}): metrics ${ns(median(alone))}, an empty middleware ${ns(median(baseline))}\n`);
process.stdout.write(`  rounds: ${alone.map(ns).join(', ')}\n  series: ${labels?.join(' | ')}\n`);

// 2. In the app.
async function fetchEach(app: Hono, calls: number): Promise<number> {
  const startedAt = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) {
    const [method, path] = REQUESTS[i % REQUESTS.length] ?? ['GET', '/healthz'];
    await (await app.fetch(new Request(`http://gateway${path}`, { method }))).arrayBuffer();
  }
  return Number(process.hrtime.bigint() - startedAt) / calls;
}
const plain = gatewayShapedApp([]);
const measured = gatewayShapedApp([httpMetrics(new Registry())]);
await fetchEach(plain, CALLS / 10);
await fetchEach(measured, CALLS / 10);
const deltas: number[] = [];
const without: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  const a = await fetchEach(plain, CALLS / 10);
  const b = await fetchEach(measured, CALLS / 10);
  const c = await fetchEach(plain, CALLS / 10);
  without.push((a + c) / 2);
  deltas.push(b - (a + c) / 2);
}
process.stdout.write(`in the app, per request (median of ${ROUNDS} rounds of ${CALLS / 10}): without ${ns(median(without))}, added by metrics ${ns(median(deltas))}\n`);
process.stdout.write(`  added per round: ${deltas.map(ns).join(', ')}\n`);
