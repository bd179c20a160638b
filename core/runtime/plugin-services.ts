import { acceptedEntry } from '../audit/entries.ts';
import type { Clock } from '../delivery/clock.ts';
import type { Instances } from './instances.ts';
import { eventMessages } from '../webhooks/event-messages.ts';
import { checkDeclared } from '../webhooks/events.ts';
import type { EventDeclarations, GatewayEvent, PluginRecord, PluginRecords } from '../sdk/contract.ts';
import type { StoredRecord, Store } from '../store/types.ts';

/** What the gateway lends a plugin beyond its config: its records, events, and where its callbacks arrive. */
export interface PluginServices {
  records: PluginRecords;
  emit(event: GatewayEvent): Promise<void>;
  callbackUrl: string;
}

export interface ServiceDeps {
  store: Store;
  instances: Instances;
  clock: Clock;
  /** Wakes the delivery worker: events were queued for these instances. */
  notify(...instances: string[]): void;
  /** The gateway's base URL as providers reach it. */
  publicUrl(): string;
}

/** Queues an event for every webhook subscription that wants it, durably and audited, and wakes the worker. */
export async function emitEvent(deps: Omit<ServiceDeps, 'publicUrl'>, event: GatewayEvent, actor: string): Promise<void> {
  const messages = eventMessages(deps.instances, event, deps.clock.now());
  await Promise.all(messages.map((message) => deps.store.accept(message, { audit: acceptedEntry(message, actor) })));
  if (messages.length > 0) deps.notify(...messages.map((message) => message.instance));
}

/**
 * The services of one instance, acting as `actor` in the audit log (`worker`, `key:…`, `provider:…`, `task:…`).
 * Events the instance's plugin does not declare are refused; `emitter` names the plugin when the instance is not in
 * `deps.instances` (the test kit's services).
 */
export function pluginServices(
  deps: ServiceDeps,
  instance: string,
  actor: string,
  emitter?: { id: string; events?: EventDeclarations | undefined },
): PluginServices {
  const { store, clock } = deps;
  const plugin = deps.instances.get(instance)?.plugin ?? emitter;
  const declared = (event: GatewayEvent) => {
    if (plugin) checkDeclared(plugin, event);
    return event;
  };
  const records: PluginRecords = {
    get: async (key) => {
      const record = await store.getRecord(instance, key);
      return record && toPluginRecord(record);
    },
    create: async (key, status, data) => {
      const { record, created } = await store.createRecord({ instance, key, status, data, now: clock.now(), actor });
      return { record: toPluginRecord(record), created };
    },
    transition: async (key, change) => {
      const now = clock.now();
      const enqueue = (change.emit ?? [])
        .map(declared)
        .flatMap((event) => eventMessages(deps.instances, event, now))
        .map((message) => ({ message, audit: acceptedEntry(message, actor) }));
      const record = await store.transitionRecord({ instance, key, from: change.from, to: change.to, data: change.data, enqueue, now, actor });
      if (record && enqueue.length > 0) deps.notify(...enqueue.map((item) => item.message.instance));
      return record && toPluginRecord(record);
    },
    list: async (filter) => {
      const updatedBefore = filter.updatedBefore === undefined ? undefined : Date.parse(filter.updatedBefore);
      if (Number.isNaN(updatedBefore)) throw new TypeError(`records.list: updatedBefore is not a date: ${filter.updatedBefore}`);
      const found = await store.listRecords(instance, { status: filter.status, updatedBefore, limit: filter.limit ?? 100 });
      return found.map(toPluginRecord);
    },
  };
  return {
    records,
    emit: async (event) => emitEvent(deps, declared(event), actor),
    get callbackUrl() {
      return `${deps.publicUrl()}/v1/callbacks/${instance}`;
    },
  };
}

function toPluginRecord(record: StoredRecord): PluginRecord {
  return {
    key: record.key,
    status: record.status,
    data: record.data,
    createdAt: new Date(record.createdAt).toISOString(),
    updatedAt: new Date(record.updatedAt).toISOString(),
  };
}
