/**
 * Test support, not production: a delivery worker on a real SQLite store in a temporary directory, with a clock
 * moved by hand, a scripted SMS instance `sms-hue` and a scripted webhook subscription `webhook-ops`.
 */
import { afterEach } from 'vitest';
import { pino } from 'pino';
import { loadConfig } from '../config/load.ts';
import type { DeliveryOverrides } from '../sdk/contract.ts';
import { openTempStore, type TempStore } from '../store/temp-store.test-helper.ts';
import type { MessageRecord, NewMessage } from '../store/types.ts';
import { Instances, type InstanceRuntime } from '../runtime/instances.ts';
import { buildMessage } from './new-message.ts';
import { scriptedSms, scriptedWebhook, type Script } from './scripted-plugin.test-helper.ts';
import { DeliveryWorker } from './worker.ts';
import type { WorkerOptions } from './worker-options.ts';
import { type PluginServices, pluginServices } from '../runtime/plugin-services.ts';

export const T0 = Date.UTC(2026, 10, 21, 2, 30);
export const AGENCY = '000.00.01.H22';
export const SMS = 'sms-hue';
export const WEBHOOK = 'webhook-ops';

export interface FixtureOptions {
  sms?: DeliveryOverrides;
  webhook?: DeliveryOverrides;
  /** Event types the webhook subscription wants; default all. */
  events?: string[];
  /** What the workers' jitter draws (default 0.5); change it later with `fixture.jitter`. */
  random?: number;
  /** The store's waits (openTempStore). */
  store?: Parameters<typeof openTempStore>[0];
}

export interface Fixture {
  db: TempStore;
  instances: Instances;
  /** What the workers give plugins: records and events on the fixture's store. */
  services: (instance: InstanceRuntime) => PluginServices;
  worker: DeliveryWorker;
  /** What the fixture's workers are made with, to make one with other options. */
  workerOptions: WorkerOptions;
  sms: Script;
  webhook: Script;
  /** The fake clock's time; move it with `advance` or `at`. */
  now(): number;
  advance(ms: number): number;
  at(time: number): number;
  /** Sets what the workers' jitter draws from now on. */
  jitter(value: number): void;
  instance(id: string): InstanceRuntime;
  /** Builds and stores an SMS whose text is `label` (what the scripted plugin keys outcomes on). */
  send(label: string, extra?: Partial<NewMessage>): Promise<NewMessage>;
  /** The stored row; fails the test when there is none. */
  row(id: string): Promise<MessageRecord>;
  /** Another worker on the same store and instances, sharing the clock. */
  newWorker(): DeliveryWorker;
  dispose(): Promise<void>;
}

export async function createFixture(options: FixtureOptions = {}): Promise<Fixture> {
  const sms = scriptedSms();
  const webhook = scriptedWebhook();
  const config = loadConfig(
    {
      agencies: [{ code: AGENCY, name: 'Sở Tư pháp' }],
      instances: [{ id: SMS, plugin: 'scripted', agencies: [AGENCY], delivery: options.sms }],
      webhooks: [
        {
          id: 'ops',
          url: 'https://motcua.example.gov.vn/hooks/lienthong',
          secret: { env: 'LIENTHONG_TEST_WEBHOOK_SECRET' },
          events: options.events,
          delivery: options.webhook,
        },
      ],
    },
    [sms.plugin],
    { LIENTHONG_TEST_WEBHOOK_SECRET: 'whsec_dGVzdC1vbmx5LXNlY3JldC0xMjM0NTY3OA==' },
    { webhookDelivery: webhook.plugin },
  );
  const log = pino({ level: 'silent' });
  const instances = new Instances(config, log, { checkOutputs: true });
  const db = await openTempStore(options.store);
  let time = T0;
  let random = options.random ?? 0.5;
  const clock = { now: () => time };
  const services = (instance: InstanceRuntime) => pluginServices({ store: db.store, instances, clock, notify: () => undefined, publicUrl: () => 'http://127.0.0.1:8080' }, instance.id, 'worker');
  const workerOptions: WorkerOptions = { store: db.store, instances, log, clock, random: () => random, services };
  const newWorker = () => new DeliveryWorker(workerOptions);

  const fixture: Fixture = {
    db,
    instances,
    services,
    sms: sms.script,
    webhook: webhook.script,
    worker: newWorker(),
    workerOptions,
    jitter: (value) => {
      random = value;
    },
    now: () => time,
    advance: (ms) => (time += ms),
    at: (t) => (time = t),
    instance(id) {
      const found = instances.get(id);
      if (!found) throw new Error(`no instance ${id}`);
      return found;
    },
    async send(label, extra = {}) {
      const message = { ...buildMessage(fixture.instance(SMS), 'send', { agency: AGENCY, to: '84981234567', text: label }, time), ...extra };
      const result = await db.store.accept(message);
      if (result.outcome !== 'accepted') throw new Error(`message ${label} not accepted: ${result.outcome}`);
      return message;
    },
    async row(id) {
      const found = await db.store.getMessage(id);
      if (!found) throw new Error(`no message ${id}`);
      return found;
    },
    newWorker,
    async dispose() {
      await db.dispose();
    },
  };
  return fixture;
}

/** For a test file: `setup(options)` makes a fixture, disposed after each test. */
export function useFixtures(): (...args: Parameters<typeof createFixture>) => Promise<Fixture> {
  let current: Fixture | undefined;
  afterEach(async () => {
    await current?.dispose();
    current = undefined;
  });
  return async (...args) => (current = await createFixture(...args));
}
