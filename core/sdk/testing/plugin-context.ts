/**
 * Test support for plugin tests: the records, events and callback URL a plugin gets from the gateway, backed by a
 * real SQLite store in a temporary directory (`openTestServices`), or, for a plugin that must not use them,
 * services that fail the test when touched (`noServices`).
 */
import { pino } from 'pino';
import { maskPersonalData } from '../../audit/mask.ts';
import { loadConfig } from '../../config/load.ts';
import { Instances } from '../../runtime/instances.ts';
import { createHttpClient } from '../../runtime/outbound/http-client.ts';
import type { GatewayEvent, OperationContext, PluginRecords } from '../contract.ts';
import { operationContext } from '../../runtime/plugin-context.ts';
import { type PluginServices, pluginServices } from '../../runtime/plugin-services.ts';
import { openTempStore } from '../../store/temp-store.test-helper.ts';
import type { SqliteStore } from '../../store/sqlite/sqlite-store.ts';

export const TEST_AGENCIES = ['000.00.01.H22', '000.00.02.H22'];
export const TEST_PUBLIC_URL = 'http://127.0.0.1:8080';

export interface TestServices extends PluginServices {
  store: SqliteStore;
  /** What a task's context offers: an audit entry, written as the gateway's task runner writes it. */
  audit(action: string, summary: Record<string, unknown>): Promise<void>;
  /** The events queued so far for the one-stop software's webhook, oldest first. */
  emitted(): Promise<GatewayEvent[]>;
  dispose(): Promise<void>;
}

export async function openTestServices(options: { instance?: string; actor?: string; now?: () => number } = {}): Promise<TestServices> {
  const temp = await openTempStore();
  const env = { TEST_WEBHOOK_SECRET: `whsec_${Buffer.alloc(32, 7).toString('base64')}` };
  const config = loadConfig(
    {
      agencies: TEST_AGENCIES.map((code) => ({ code })),
      webhooks: [{ id: 'onestop', url: 'http://127.0.0.1:9/events', secret: { env: 'TEST_WEBHOOK_SECRET' } }],
    },
    [],
    env,
  );
  const deps = {
    store: temp.store,
    instances: new Instances(config, pino({ level: 'silent' })),
    clock: { now: options.now ?? (() => Date.now()) },
    notify: () => undefined,
    publicUrl: () => TEST_PUBLIC_URL,
  };
  const services = pluginServices(deps, options.instance ?? 'test-instance', options.actor ?? 'test');
  return {
    records: services.records,
    emit: services.emit,
    callbackUrl: services.callbackUrl,
    store: temp.store,
    audit: (action, summary) =>
      temp.store.appendAudit([{ at: deps.clock.now(), actor: 'task:test', action, instance: options.instance ?? 'test-instance', summary: maskPersonalData(summary) as Record<string, unknown> }]),
    async emitted() {
      const page = await temp.store.listMessages({ capability: 'webhook' }, { limit: 10_000 });
      return page.messages.reverse().map((message) => {
        const { event } = message.payload as { event: { type: string; data: Record<string, unknown> } };
        return { type: event.type, agency: message.agency, data: event.data };
      });
    },
    dispose: () => temp.dispose(),
  };
}

/** For a plugin that keeps no records and emits nothing: any use fails the test with a clear message. */
export function noServices(): PluginServices {
  const refuse = (what: string) => () => Promise.reject(new Error(`this test gives the plugin no ${what}`));
  const records: PluginRecords = { get: refuse('records'), create: refuse('records'), transition: refuse('records'), list: refuse('records') };
  return { records, emit: refuse('events'), callbackUrl: `${TEST_PUBLIC_URL}/v1/callbacks/test-instance` };
}

/** What differs between plugins' test contexts; `services` default to `noServices()`. */
export interface TestOperation<Config> {
  instance: string;
  config: Config;
  agency: string;
  messageId: string;
  sequence?: number | undefined;
  services?: PluginServices;
}

/**
 * An operation context as the worker builds it for a first attempt: a silent log, an HTTP client of its own (so
 * caches and tokens start empty), a signal nobody aborts, and the given services. `overrides` win over all of it.
 */
export function testOperationContext<Config>(operation: TestOperation<Config>, overrides: Partial<OperationContext<Config>> = {}): OperationContext<Config> {
  const { services = noServices(), instance, config, ...facts } = operation;
  const log = pino({ level: 'silent' });
  const source = { id: instance, config, log, http: createHttpClient({ timeoutMs: 5_000, maxSockets: 4 }) };
  return { ...operationContext(source, services, { ...facts, attempt: 1, signal: new AbortController().signal, log }), ...overrides };
}
