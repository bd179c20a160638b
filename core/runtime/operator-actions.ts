import { maskText } from '../audit/mask.ts';
import type { Actor, MessageFilter, MessageRecord, Store } from '../store/types.ts';
import type { Instances } from './instances.ts';

/** What replaying and cancelling need of a running gateway (the admin API and the console both act through these). */
export interface OperatorActionDeps {
  store: Pick<Store, 'replay' | 'cancel'>;
  instances: Pick<Instances, 'get'>;
  clock: { now(): number };
  /** Wakes the delivery worker. */
  notify(...instances: string[]): void;
}

const DAY_MS = 86_400_000;

/** Each instance's max age, which a replayed message gets afresh (a day for an instance no longer configured). */
export const maxAgeOf = (instances: Pick<Instances, 'get'>) => (instance: string) => instances.get(instance)?.policy.maxAgeMs ?? DAY_MS;

/**
 * Queues dead messages again with a fresh attempt budget, by id or by filter (a filter takes only the uncancelled dead
 * ones), audited as `actor`; wakes the worker. Returns the ids queued.
 */
export async function replayMessages(deps: OperatorActionDeps, target: { ids: string[] } | { filter: MessageFilter }, actor: Actor): Promise<string[]> {
  const replayTarget = 'filter' in target ? { filter: { ...target.filter, status: 'dead' as const } } : target;
  const ids = await deps.store.replay(replayTarget, deps.clock.now(), maxAgeOf(deps.instances), actor);
  if (ids.length > 0) deps.notify();
  return ids;
}

/** Longest reason an operator may give for a cancellation. */
export const CANCEL_REASON_MAX = 300;

/**
 * Cancels a queued or dead message for good, audited as `actor` with the reason (personal data masked); undefined
 * when its status does not allow it.
 */
export async function cancelMessage(deps: OperatorActionDeps, id: string, reason: string, actor: Actor): Promise<MessageRecord | undefined> {
  const cancelled = await deps.store.cancel(id, deps.clock.now(), maskText(reason), actor);
  if (cancelled) deps.notify(cancelled.instance);
  return cancelled;
}
