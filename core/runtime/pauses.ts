import type { Logger } from 'pino';
import { maskText } from '../audit/mask.ts';
import type { Actor, InstancePause, InstanceResume, Store } from '../store/types.ts';
import type { InstanceRuntime, Instances } from './instances.ts';

/** The command that resumes `instance`, as every message about a pause names it. */
export const resumeCommand = (instance: string) => `lienthong instances resume ${instance}`;

/**
 * Marks `instance` paused (`pause`) or not (null), as the store says; one log line when that changes. The process
 * that paused or resumed calls it at once; every process also does at each poll (`refreshPauses`), which is how a
 * pause made elsewhere (the CLI, another gateway process) reaches it.
 */
export function markPaused(instance: InstanceRuntime, pause: InstancePause | null): void {
  const before = instance.pause;
  instance.pause = pause;
  if (before?.at === pause?.at && before?.by === pause?.by) return;
  if (pause) {
    const reason = pause.reason === null ? '' : ` (${maskText(pause.reason)})`;
    instance.log.warn(
      { pausedBy: pause.by, pausedAt: new Date(pause.at).toISOString() },
      `instance ${instance.id} paused by ${pause.by}${reason}: no attempt starts, its messages wait and its sync calls answer 503 until \`${resumeCommand(instance.id)}\``,
    );
  } else {
    instance.log.info(`instance ${instance.id} resumed: its waiting messages are delivered and sync calls go through again`);
  }
}

/** Pauses already told of, per set of instances: a pause of an instance the config lacks is logged once, not at every poll. */
const toldUnknown = new WeakMap<Instances, Set<string>>();

/** Reads the paused instances from the store and marks each instance of this process accordingly. */
export async function refreshPauses(store: Pick<Store, 'pausedInstances'>, instances: Instances, log: Logger): Promise<void> {
  const pauses = await store.pausedInstances();
  const byInstance = new Map(pauses.map((pause) => [pause.instance, pause]));
  for (const instance of instances.all) markPaused(instance, byInstance.get(instance.id) ?? null);

  const told = toldUnknown.get(instances) ?? new Set();
  toldUnknown.set(instances, told);
  for (const pause of pauses) {
    if (instances.get(pause.instance) || told.has(pause.instance)) continue;
    told.add(pause.instance);
    log.warn(
      { pausedBy: pause.by },
      `the store holds a pause of instance ${pause.instance}, which this gateway's config does not have (its instances: ${instances.all.map((each) => each.id).join(', ')}): if the id was mistyped, run \`${resumeCommand(pause.instance)}\` and pause the right one`,
    );
  }
}

/** What pausing and resuming need of a running gateway (the admin API and the console both act through these). */
export interface PauseDeps {
  store: Pick<Store, 'pauseInstance' | 'resumeInstance'>;
  clock: { now(): number };
  /** Wakes the delivery worker for these instances. */
  notify(...instances: string[]): void;
}

/**
 * Pauses `instance` in the store (audited as `actor`) and in this process at once, so that no claim starts after the
 * answer. Already paused: the pause in place (`created: false`), nothing written.
 */
export async function pauseInstance(deps: PauseDeps, instance: InstanceRuntime, request: { actor: Actor; reason?: string | undefined }) {
  const outcome = await deps.store.pauseInstance(instance.id, { actor: request.actor, reason: request.reason, at: deps.clock.now() });
  markPaused(instance, outcome.pause);
  return outcome;
}

/** Ends the pause of `instance` (audited as `actor`) and wakes the worker for it at once; undefined when it was not paused. */
export async function resumeInstance(deps: PauseDeps, instance: InstanceRuntime, actor: Actor): Promise<InstanceResume | undefined> {
  const resumed = await deps.store.resumeInstance(instance.id, { actor, at: deps.clock.now() });
  markPaused(instance, null);
  deps.notify(instance.id);
  return resumed;
}

/**
 * Why a key covering `agencies` may not pause or resume `instance`, or undefined when it may: a key limited to some
 * agencies acts only on an instance that serves none but its agencies.
 */
export function pauseRefusal(agencies: readonly string[], instance: InstanceRuntime): string | undefined {
  if (agencies.includes('*')) return undefined;
  if (instance.agencies === '*') return `instance ${instance.id} serves every agency: pausing or resuming it needs an operator key for every agency`;
  const others = [...instance.agencies].filter((agency) => !agencies.includes(agency));
  if (others.length === 0) return undefined;
  return `instance ${instance.id} also serves ${others.join(', ')}, which this key does not cover: pausing or resuming it needs an operator key covering every agency it serves`;
}
