/**
 * Test support, not production: the real HTTP app over a real SQLite store in a temporary directory, with the
 * scripted plugins of `test-plugins.test-helper.ts`, a hand-moved clock and API keys of each kind.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino, { type Logger } from 'pino';
import { expect, vi } from 'vitest';
import { loadConfig } from '../config/load.ts';
import type { GatewayContext } from '../gateway-context.ts';
import { Instances } from '../runtime/instances.ts';
import { createKey } from '../api-keys.ts';
import type { KeyRole, MessageRecord } from '../store/types.ts';
import type { AnyPlugin } from '../sdk/contract.ts';
import { SqliteStore, type SqliteStoreOptions } from '../store/sqlite/sqlite-store.ts';
import { createApp } from './app.ts';
import { testEcardPlugin, testPaymentPlugin, testSmsPlugin } from './test-plugins.test-helper.ts';
import { TEST_AUDIT_KEY } from '../testing/test-audit-key.ts';
import { DeferredAudit } from '../audit/deferred-audit.ts';

export const AGENCY_A = '000.00.01.H22';
export const AGENCY_B = '000.00.02.H22';
/** 2026-03-01 08:00 in Vietnam. */
export const START = Date.parse('2026-03-01T08:00:00+07:00');

/** Instances every test gets: SMS for A alone and for everyone else; payment (sync) for A only. */
export const DEFAULT_INSTANCES = [
  { id: 'sms-a', plugin: 'test-sms', agencies: [AGENCY_A] },
  { id: 'sms-all', plugin: 'test-sms', agencies: ['*'] },
  { id: 'payment-a', plugin: 'test-payment', agencies: [AGENCY_A], delivery: { timeoutMs: 100, breakerThreshold: 3, breakerCooldownMs: 30_000 } },
];

export interface FixtureOptions {
  instances?: unknown[];
  limits?: { bodyBytes: number };
  /** Where the gateway and its instances log; default nowhere. */
  log?: Logger;
  /** Plugins a test adds to the scripted ones, for its own `instances`. */
  plugins?: AnyPlugin[];
  /** The store's waits: e.g. a short busy timeout for a test that holds its write lock from another connection. */
  store?: Pick<SqliteStoreOptions, 'busyTimeoutMs' | 'probeIntervalMs'>;
}

export interface RequestOptions {
  method?: string;
  /** Sent as JSON unless it is a string, which is sent as is. */
  body?: unknown;
  /** An API key; `null` sends no Authorization header. */
  token?: string | null;
  headers?: Record<string, string>;
}

export type TestGateway = Awaited<ReturnType<typeof openTestGateway>>;

export async function openTestGateway(options: FixtureOptions = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'lienthong-http-'));
  const file = join(dir, 'lienthong.db');
  const store = await SqliteStore.open(file, { auditKey: TEST_AUDIT_KEY, ...options.store });
  const sms = testSmsPlugin();
  const payment = testPaymentPlugin();
  const ecard = testEcardPlugin();
  const config = loadConfig(
    {
      agencies: [{ code: AGENCY_A }, { code: AGENCY_B }],
      instances: options.instances ?? DEFAULT_INSTANCES,
      ...(options.limits ? { limits: options.limits } : {}),
    },
    [sms.plugin, payment.plugin, ecard.plugin, ...(options.plugins ?? [])],
    {},
  );
  const clock = { t: START, now: () => clock.t };
  const notify = vi.fn();
  const log = options.log ?? pino({ level: 'silent' });
  const deferredAudit = new DeferredAudit(store, log);
  const context: GatewayContext = {
    store,
    config,
    instances: new Instances(config, log, { checkOutputs: true }),
    log,
    clock,
    notify,
    publicUrl: () => 'http://127.0.0.1:8080',
    auditAfterAnswer: (entry) => deferredAudit.add(entry),
  };
  const app = createApp(context);
  const newKey = async (role: KeyRole, agencies?: string[]) => createKey(store, { role, ...(agencies ? { agencies } : {}) }, clock.t);
  const client = await newKey('client');
  const operator = await newKey('operator');

  const request = (path: string, init: RequestOptions = {}) => {
    const headers: Record<string, string> = { ...init.headers };
    const token = init.token === undefined ? client.token : init.token;
    if (token !== null) headers.authorization = `Bearer ${token}`;
    let body: string | undefined;
    if (init.body !== undefined) {
      body = typeof init.body === 'string' ? init.body : JSON.stringify(init.body);
      headers['content-type'] ??= 'application/json';
    }
    return app.request(path, { method: init.method ?? (body === undefined ? 'GET' : 'POST'), headers, ...(body === undefined ? {} : { body }) });
  };

  return {
    app,
    store,
    /** The store's SQLite file. */
    file,
    context,
    clock,
    notify,
    sms: sms.script,
    payment: payment.script,
    ecard: ecard.script,
    /** A client key and an operator key, both for every agency. */
    client,
    operator,
    newKey,
    request,
    /** Every message in the store (the tests never hold more than a few). */
    async messages(): Promise<MessageRecord[]> {
      return (await store.listMessages({}, { limit: 100 })).messages;
    },
    async message(id: string): Promise<MessageRecord> {
      const message = await store.getMessage(id);
      if (!message) throw new Error(`no message ${id} in the store`);
      return message;
    },
    /** Claims every due message of `instance` and closes each as dead, with an error naming a phone number. */
    async killDue(instance: string, error = 'subscriber 0981234567 is blocked'): Promise<string[]> {
      const leaseOwner = 'test-worker';
      const claimed = await store.claimDue({ instance, limit: 100, now: clock.t, leaseOwner, leaseUntil: clock.t + 60_000 });
      for (const message of claimed) {
        const done = await store.completeAttempt({
          messageId: message.id,
          leaseOwner,
          outcome: 'dead',
          now: clock.t,
          error,
          providerCode: 'BLOCKED',
          attempt: { number: message.attempts, startedAt: clock.t },
        });
        expect(done).toBe(true);
      }
      return claimed.map((message) => message.id);
    },
    async dispose(): Promise<void> {
      await deferredAudit.flush();
      await store.close().catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export const smsBody = (overrides: Record<string, unknown> = {}) => ({ agency: AGENCY_A, to: '0981 234 567', text: 'Ho so 000.00.01.H22-260301-0001 da co ket qua', ...overrides });
export const paymentBody = (overrides: Record<string, unknown> = {}) => ({
  agency: AGENCY_A,
  dossierCode: '000.00.01.H22-260301-0001',
  amount: 50_000,
  description: 'Le phi cap giay phep',
  ...overrides,
});

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  errors?: Array<{ path: string; message: string }>;
}

/** Asserts an RFC 9457 answer of `status` and kind `kind`, and returns its body. */
export async function expectProblem(response: Response, status: number, kind: string): Promise<ProblemBody> {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  const body = (await response.json()) as ProblemBody;
  expect(body).toMatchObject({ type: `urn:lienthong:problem:${kind}`, status, title: expect.any(String) });
  expect(body.title.length).toBeGreaterThan(0);
  return body;
}

/** The paths named by a validation problem, each once, sorted. */
export const issuePaths = (problem: ProblemBody) => [...new Set((problem.errors ?? []).map((issue) => issue.path))].sort();

export async function expectNothingStored(gateway: TestGateway): Promise<void> {
  expect((await gateway.store.listMessages({}, { limit: 10 })).messages).toEqual([]);
}

export interface Listed {
  messages: Array<Record<string, unknown> & { id: string }>;
  nextCursor: string | null;
}

/** What the admin tests do over and over: queue an SMS, call the admin API as the operator, list messages. */
export function adminHelpers(current: () => TestGateway) {
  const send = async (overrides: Record<string, unknown> = {}): Promise<string> => {
    const response = await current().request('/v1/sms/send', { body: smsBody(overrides) });
    expect(response.status).toBe(202);
    return ((await response.json()) as { id: string }).id;
  };
  const admin = (path: string, init: { method?: string; body?: unknown; token?: string } = {}) =>
    current().request(path, { token: current().operator.token, ...init });
  const list = async (query = '', token?: string): Promise<Listed> => {
    const response = await admin(`/admin/v1/messages${query}`, token ? { token } : {});
    expect(response.status).toBe(200);
    return (await response.json()) as Listed;
  };
  const ids = (page: Listed) => page.messages.map((message) => message.id);
  return { send, admin, list, ids };
}
