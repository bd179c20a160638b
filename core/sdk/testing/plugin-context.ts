/**
 * Test support for plugin tests: the records, events and callback URL a plugin gets from the gateway, backed by a
 * real SQLite store in a temporary directory (`openTestServices`), or, for a plugin that must not use them,
 * services that fail the test when touched (`noServices`); and the context of each hook, built by the runtime's
 * own builders (core/runtime/plugin-context.ts), so a plugin's tests see what the gateway hands it.
 */
import { pino } from 'pino';
import { loadConfig } from '../../config/load.ts';
import { Instances } from '../../runtime/instances.ts';
import { createHttpClient } from '../../runtime/outbound/http-client.ts';
import type { AnyPlugin, CallbackContext, GatewayEvent, HealthContext, OperationContext, PluginRecords, TaskContext } from '../contract.ts';
import { type ContextSource, callbackContext, healthContext, operationContext, taskContext } from '../../runtime/plugin-context.ts';
import { type PluginServices, pluginServices } from '../../runtime/plugin-services.ts';
import { taskAudit } from '../../runtime/plugin-tasks.ts';
import { openTempStore } from '../../store/temp-store.test-helper.ts';
import type { SqliteStore } from '../../store/sqlite/sqlite-store.ts';

export const TEST_AGENCIES = ['000.00.01.H22', '000.00.02.H22'];
export const TEST_PUBLIC_URL = 'http://127.0.0.1:8080';

export interface TestServices extends PluginServices {
  store: SqliteStore;
  /** The instance the services act for. */
  instance: string;
  /** A task's `audit`, writing as the gateway's task runner does: as `task:<task>`, personal data masked. */
  taskAudit(task: string): TaskContext<unknown>['audit'];
  /** The events queued so far for the one-stop software's webhook, oldest first. */
  emitted(): Promise<GatewayEvent[]>;
  dispose(): Promise<void>;
}

export interface TestServicesOptions {
  instance?: string;
  actor?: string;
  now?: () => number;
  /** The plugin under test: an event it emits without declaring it fails the test, as the gateway refuses it. */
  plugin?: Pick<AnyPlugin, 'id' | 'events'>;
}

export async function openTestServices(options: TestServicesOptions = {}): Promise<TestServices> {
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
  const instance = options.instance ?? 'test-instance';
  const services = pluginServices(deps, instance, options.actor ?? 'test', options.plugin);
  return {
    records: services.records,
    emit: services.emit,
    callbackUrl: services.callbackUrl,
    store: temp.store,
    instance,
    taskAudit: (task) => taskAudit(deps, instance, `task:${task}`),
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

/** For a plugin that keeps no records and emits nothing: each use fails the test with a clear message. */
export function noServices(): PluginServices {
  const refuse = (what: string) => () => Promise.reject(new Error(`this test gives the plugin no ${what}`));
  const records: PluginRecords = { get: refuse('records'), create: refuse('records'), transition: refuse('records'), list: refuse('records') };
  return { records, emit: refuse('events'), callbackUrl: `${TEST_PUBLIC_URL}/v1/callbacks/test-instance` };
}

/** The instance a hook runs for in a test; `services` default to `noServices()`. */
export interface TestInstance<Config> {
  instance: string;
  config: Config;
  services?: PluginServices;
}

/** What differs between plugins' operation contexts. */
export interface TestOperation<Config> extends TestInstance<Config> {
  agency: string;
  messageId: string;
  sequence?: number | undefined;
}

/** A task's run: its services hold the records it works on and the audit log it writes to. */
export interface TestTask<Config> extends TestInstance<Config> {
  services: TestServices;
  /** The task's name, as its audit entries' actor says (`task:<name>`). Default `test`. */
  task?: string;
}

/** What an instance lends each hook: a silent log and an HTTP client of its own, so caches and tokens start empty. */
function testSource<Config>(instance: string, config: Config): ContextSource<Config> {
  return { id: instance, config, log: pino({ level: 'silent' }), http: createHttpClient({ timeoutMs: 5_000, maxSockets: 4 }) };
}

/**
 * An operation context as the worker builds it for a first attempt: a signal nobody aborts, and the given services.
 * `overrides` win over all of it.
 */
export function testOperationContext<Config>(operation: TestOperation<Config>, overrides: Partial<OperationContext<Config>> = {}): OperationContext<Config> {
  const { services = noServices(), instance, config, ...facts } = operation;
  const source = testSource(instance, config);
  return { ...operationContext(source, services, { ...facts, attempt: 1, signal: new AbortController().signal, log: source.log }), ...overrides };
}

/** A callback's context as the gateway builds it for a provider's notice. */
export function testCallbackContext<Config>(hook: TestInstance<Config>, overrides: Partial<CallbackContext<Config>> = {}): CallbackContext<Config> {
  const source = testSource(hook.instance, hook.config);
  return { ...callbackContext(source, hook.services ?? noServices(), source.log), ...overrides };
}

/** A task's context as the task runner builds it for one run: a signal nobody aborts, an audit into the services' store. */
export function testTaskContext<Config>(hook: TestTask<Config>, overrides: Partial<TaskContext<Config>> = {}): TaskContext<Config> {
  const source = testSource(hook.instance, hook.config);
  const audit = hook.services.taskAudit(hook.task ?? 'test');
  return { ...taskContext(source, hook.services, { log: source.log, signal: new AbortController().signal, audit }), ...overrides };
}

/** A health check's context as the admin API builds it: a signal nobody aborts unless `overrides` gives one. */
export function testHealthContext<Config>(hook: Omit<TestInstance<Config>, 'services'>, overrides: Partial<HealthContext<Config>> = {}): HealthContext<Config> {
  return { ...healthContext(testSource(hook.instance, hook.config), new AbortController().signal), ...overrides };
}
