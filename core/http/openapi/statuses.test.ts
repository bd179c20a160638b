import type { Hono } from 'hono';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { capabilities } from '../../capabilities/index.ts';
import { createMetrics } from '../../metrics/metrics.ts';
import { NotFoundError } from '../../sdk/errors.ts';
import type { Store } from '../../store/types.ts';
import { AGENCY_A, AGENCY_B, type TestGateway, openTestGateway, paymentBody, smsBody } from '../app-fixture.test-helper.ts';
import { createApp } from '../app.ts';
import type { AppEnv } from '../env.ts';
import { Gate } from '../test-plugins.test-helper.ts';
import { buildOpenApiDocument } from './document.ts';
import { FRONT_MIDDLEWARE } from './front-answers.ts';

/**
 * Every status a route answers is in the document. The test walks the app's own route list (sandbox and metrics
 * routes included), sends each route the requests that provoke the answers of the middleware in front of it and
 * of the route itself, and looks each status it got up in the operation's responses. FRONT_MIDDLEWARE, from which
 * the document adds what the middleware answers, is checked against the middleware the app really mounts.
 */
const document = buildOpenApiDocument({ sandbox: true });
/** One request per second and no burst: a key's second request is refused (the test clock never moves). */
const LIMITS = { bodyBytes: 2048, requestsPerSecondPerKey: 1, burstPerKey: 1 };
/** Middleware that never answers in a route's place: it names or counts the request. */
const PASSIVE = ['responseHeaders', 'httpMetrics', 'etag'];

type Method = 'get' | 'post';
interface Endpoint {
  method: Method;
  /** The app's pattern, e.g. `/admin/v1/messages/:id`. */
  route: string;
  /** The document's path, e.g. `/admin/v1/messages/{id}`. */
  path: string;
}

/** A body each operation takes, for the agency that has the scripted plugins. */
const VALID_BODIES: Record<string, unknown> = {
  'sms/send': smsBody(),
  'payment/create': paymentBody(),
  'payment/query': { agency: AGENCY_A, paymentId: 'PAY-1' },
  'ecard/lookup': { agency: AGENCY_A, cardNumber: 'EC-123456' },
  'ecard/verify': { agency: AGENCY_A, cardNumber: 'EC-123456', pin: '1234' },
  'ecard/documents': { agency: AGENCY_A, cardNumber: 'EC-123456' },
  'ecard/document': { agency: AGENCY_A, cardNumber: 'EC-123456', documentId: 'DOC-1' },
  'portal/syncDossier': {
    agency: AGENCY_A,
    dossier: { code: 'HS-1', procedureCode: '1.004227', applicant: { name: 'Nguyễn Văn An', type: 'citizen' }, receivedAt: '2026-03-01T08:00:00+07:00', status: 1 },
  },
  'portal/updateProgress': { agency: AGENCY_A, dossierCode: 'HS-1', entries: [{ handler: 'Trần Thị Bình', handledAt: '2026-03-02T10:15:00+07:00', content: 'Đã tiếp nhận', status: 2 }] },
  'portal/lookupDossier': { agency: AGENCY_A, dossierCode: 'HS-1' },
  'portal/listProcedures': { agency: AGENCY_A },
};

const callable = Object.entries(capabilities).flatMap(([capability, spec]) =>
  Object.entries(spec.operations)
    .filter(([, operation]) => !operation.internal)
    .map(([name]) => `${capability}/${name}`),
);

/** The operators' console: HTML pages for a browser, not the API this document describes. */
const isConsolePage = (route: string) => /^\/admin(\/|$)/.test(route) && !route.startsWith('/admin/v1');

/** The app's routes as the document names them; `/v1/:capability/:operation` stands for each operation callers may call. */
function endpointsOf(app: Hono<AppEnv>): Endpoint[] {
  const seen = new Map<string, Endpoint>();
  for (const { method, path: route } of app.routes) {
    if (method === 'ALL' || isConsolePage(route)) continue;
    const paths = route === '/v1/:capability/:operation' ? callable.map((operation) => `/v1/${operation}`) : [route.replace(/:(\w+)/g, '{$1}')];
    for (const path of paths) seen.set(`${method} ${path}`, { method: method.toLowerCase() as Method, route, path });
  }
  return [...seen.values()];
}

/** The names of the middleware the app mounted before `endpoint`'s route, on a pattern that covers it. */
function middlewareBefore(app: Hono<AppEnv>, endpoint: Endpoint): string[] {
  const position = app.routes.findIndex((route) => route.method !== 'ALL' && route.path === endpoint.route);
  const covers = (pattern: string) => pattern === endpoint.route || (pattern.endsWith('/*') && endpoint.route.startsWith(pattern.slice(0, -1)));
  return app.routes.slice(0, position).filter((route) => route.method === 'ALL' && covers(route.path)).map((route) => route.handler.name);
}

/** Whether the document lists `status` for the operation, itself or by a range (`4XX`) or `default`. */
function documents(endpoint: Endpoint, status: number): boolean {
  const responses = document.paths[endpoint.path]?.[endpoint.method]?.responses ?? {};
  return String(status) in responses || `${String(status)[0]}XX` in responses || 'default' in responses;
}

/** A store whose every call fails, as a store on a broken disk does. */
const brokenStore = new Proxy({} as Store, { get: () => () => Promise.reject(new Error('SQLITE_IOERR: disk I/O error')) });

let gateway: TestGateway;
let app: Hono<AppEnv>;
let brokenApp: Hono<AppEnv>;
/** Every status each endpoint answered, by `METHOD path`. */
let answered: Map<string, Set<number>>;

beforeEach(async () => {
  gateway = await openTestGateway({ limits: LIMITS as { bodyBytes: number } });
  const { context } = gateway;
  app = createApp({ ...context, metrics: createMetrics(context), sandbox: { simulators: {} } });
  const broken = { ...context, store: brokenStore };
  brokenApp = createApp({ ...broken, metrics: createMetrics(broken), sandbox: { simulators: {} } });
  answered = new Map();
});
afterEach(async () => {
  await gateway.dispose();
});

interface Probe {
  /** `null`: no Authorization header. */
  token?: string | null;
  body?: string;
  /** Replaces each `{param}` of the path. */
  params?: Record<string, string>;
  headers?: Record<string, string>;
  /** Appended to the path, e.g. `?limit=0`. */
  query?: string;
  on?: Hono<AppEnv>;
}

async function send(endpoint: Endpoint, probe: Probe = {}): Promise<Response> {
  const url = endpoint.path.replace(/\{(\w+)\}/g, (_, name: string) => probe.params?.[name] ?? 'unknown') + (probe.query ?? '');
  const headers: Record<string, string> = { ...probe.headers };
  if (probe.token) headers.authorization = `Bearer ${probe.token}`;
  if (probe.body !== undefined) headers['content-type'] = 'application/json';
  const response = await (probe.on ?? app).request(url, { method: endpoint.method.toUpperCase(), headers, ...(probe.body === undefined ? {} : { body: probe.body }) });
  const key = `${endpoint.method.toUpperCase()} ${endpoint.path}`;
  answered.set(key, (answered.get(key) ?? new Set()).add(response.status));
  return response;
}

const fresh = async (role: 'client' | 'operator', agencies?: string[]) => (await gateway.newKey(role, agencies)).token;

/** The body an endpoint takes when it takes one. */
function validBody(endpoint: Endpoint): string | undefined {
  if (endpoint.method !== 'post') return undefined;
  const operation = endpoint.path.startsWith('/v1/') ? VALID_BODIES[endpoint.path.slice('/v1/'.length)] : undefined;
  if (endpoint.route === '/v1/:capability/:operation' && operation === undefined) throw new Error(`no valid body for ${endpoint.path}: add one to VALID_BODIES`);
  return JSON.stringify(operation ?? (endpoint.path === '/admin/v1/replay' ? { dryRun: true } : {}));
}

/** The requests every route gets: without a key, with each kind of key, over the limits, and on a broken store. */
async function probeEveryRoute(params: Record<string, string>): Promise<Endpoint[]> {
  const endpoints = endpointsOf(app);
  for (const endpoint of endpoints) {
    const body = validBody(endpoint);
    await send(endpoint, { token: null, body, params });
    await send(endpoint, { token: await fresh('client'), body, params });
    await send(endpoint, { token: await fresh('client', [AGENCY_B]), body, params });
    await send(endpoint, { token: await fresh('operator'), body, params });
    await send(endpoint, { token: await fresh('operator'), body, params: {} });
    const limited = await fresh('operator');
    await send(endpoint, { token: limited, body, params });
    await send(endpoint, { token: limited, body, params });
    await send(endpoint, { token: await fresh('operator'), body, params, on: brokenApp });
    if (endpoint.method === 'get') await send(endpoint, { token: await fresh('operator'), params, query: '?limit=0&since=yesterday' });
    if (endpoint.method === 'post') {
      await send(endpoint, { token: await fresh('operator'), body: JSON.stringify({ agency: AGENCY_A, padding: 'x'.repeat(LIMITS.bodyBytes) }), params });
      await send(endpoint, { token: await fresh('operator'), body: '{"agency": ', params });
      await send(endpoint, { token: await fresh('operator'), body: JSON.stringify({ agency: '' }), params });
    }
  }
  return endpoints;
}

describe('the routes of the app and the paths of the document', () => {
  it('are the same: every route the app serves is documented, and nothing else', () => {
    const served = endpointsOf(app).map(({ method, path }) => `${method} ${path}`);
    const described = Object.entries(document.paths).flatMap(([path, item]) => Object.keys(item).map((method) => `${method} ${path}`));
    expect(served.sort()).toEqual(described.sort());
    expect(served).toContain('post /admin/v1/replay');
  });

  it('name in FRONT_MIDDLEWARE each middleware in front of each route that may answer in its place', () => {
    for (const endpoint of endpointsOf(app)) {
      const before = middlewareBefore(app, endpoint);
      for (const front of FRONT_MIDDLEWARE) expect(before.includes(front.middleware), `${front.middleware} before ${endpoint.path}`).toBe(front.guards(endpoint.path));
      const known = [...PASSIVE, ...FRONT_MIDDLEWARE.map((front) => front.middleware)];
      expect(before.filter((name) => !known.includes(name)), `middleware before ${endpoint.path}`).toEqual([]);
    }
  });
});

describe('every status a route answers is documented', () => {
  it('for what the middleware in front of each route answers, and each route answers to bad keys, bodies and ids', async () => {
    const id = ((await (await gateway.request('/v1/sms/send', { body: smsBody() })).json()) as { id: string }).id;
    const endpoints = await probeEveryRoute({ id, instance: 'sms-a' });

    for (const endpoint of endpoints) {
      const statuses = [...(answered.get(`${endpoint.method.toUpperCase()} ${endpoint.path}`) ?? [])];
      for (const status of statuses) expect(documents(endpoint, status), `${endpoint.method.toUpperCase()} ${endpoint.path} answered ${status}`).toBe(true);
      // The probes did provoke what the middleware answers: the check above was not vacuous.
      const expected = FRONT_MIDDLEWARE.filter((front) => front.guards(endpoint.path) && front.methods.includes(endpoint.method)).flatMap((front) => Object.keys(front.answers(endpoint.path)));
      const provoked = expected.filter((status) => status !== '503'); // a store that is down answers 500 until the store says it is down
      expect(statuses.map(String), `${endpoint.method.toUpperCase()} ${endpoint.path}`).toEqual(expect.arrayContaining(provoked));
    }
  });

  it('for what a sync operation answers to each outcome of its provider', async () => {
    const create = endpointsOf(app).find((endpoint) => endpoint.path === '/v1/payment/create');
    if (!create) throw new Error('no /v1/payment/create');
    const call = async (headers: Record<string, string> = {}, token?: string) =>
      (await send(create, { token: token ?? (await fresh('client')), body: JSON.stringify(paymentBody()), headers })).status;
    // An Idempotency-Key belongs to its API key: one key, and a second later for its rate limit.
    const gate = new Gate();
    gateway.payment.queue({ kind: 'block', gate });
    const key = await fresh('client');
    const first = call({ 'idempotency-key': 'hs-1' }, key);
    await gate.reached;
    gateway.clock.t += 1000;
    expect(await call({ 'idempotency-key': 'hs-1' }, key)).toBe(409);
    gate.release();
    expect(await first).toBe(200);

    gateway.payment.queue(
      { kind: 'permanent', error: 'dossier already paid' },
      { kind: 'crash', thrown: new NotFoundError('no such dossier') },
      { kind: 'retryable', error: 'bank gateway returned 503', retryAfterMs: 2000 },
      { kind: 'hang' },
    );
    expect([await call(), await call(), await call(), await call()]).toEqual([422, 404, 502, 504]);
    // Failures in a row open the instance's circuit: then the gateway answers for it.
    let status = 0;
    for (let failures = 0; failures < 5 && status !== 503; failures++) {
      gateway.payment.queue({ kind: 'retryable' });
      status = await call();
    }
    expect(status).toBe(503);

    const statuses = [...(answered.get('POST /v1/payment/create') ?? [])].sort();
    expect(statuses).toEqual([200, 404, 409, 422, 502, 503, 504]);
    for (const status of statuses) expect(documents(create, status), `POST /v1/payment/create answered ${status}`).toBe(true);
  });

  it('for the service endpoints: /openapi.json revalidated, /readyz on a broken store', async () => {
    const [openapi, readyz] = ['/openapi.json', '/readyz'].map((path) => endpointsOf(app).find((endpoint) => endpoint.path === path));
    if (!openapi || !readyz) throw new Error('no service endpoints');
    const etag = (await send(openapi)).headers.get('etag') ?? '';
    expect((await send(openapi, { headers: { 'if-none-match': etag } })).status).toBe(304);
    expect((await send(readyz, { on: brokenApp })).status).toBe(503);
    for (const endpoint of [openapi, readyz]) {
      for (const status of answered.get(`GET ${endpoint.path}`) ?? []) expect(documents(endpoint, status), `GET ${endpoint.path} answered ${status}`).toBe(true);
    }
  });
});
