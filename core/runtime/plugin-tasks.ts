import type { Logger } from 'pino';
import { maskPersonalData } from '../audit/mask.ts';
import type { TaskContext } from '../sdk/contract.ts';
import { errorMessage } from '../sdk/errors.ts';
import { taskContext } from './plugin-context.ts';
import { type ServiceDeps, pluginServices } from './plugin-services.ts';

/**
 * Runs every plugin task of every instance on its own period (e.g. querying payments still pending). A run never
 * overlaps the previous run of the same task, in this process or (PostgreSQL) another; a failed run is logged and
 * the task runs again at its next turn.
 * Returns how to stop: no new runs start, the runs in progress are aborted and awaited.
 */
export function startPluginTasks(deps: ServiceDeps, log: Logger): () => Promise<void> {
  const shutdown = new AbortController();
  const timers: NodeJS.Timeout[] = [];
  const running = new Set<Promise<void>>();
  for (const instance of deps.instances.all) {
    for (const task of instance.plugin.tasks ?? []) {
      const taskLog = instance.log.child({ task: task.name });
      const actor = `task:${task.name}`;
      const services = pluginServices(deps, instance.id, actor);
      const audit = taskAudit(deps, instance.id, actor);
      let busy = false;
      const turn = () => {
        // While the store cannot write a run could record nothing (the worker logs the outage once): skip the turn.
        // A paused instance's provider is in maintenance: its tasks wait for the resume, as its messages do.
        if (busy || shutdown.signal.aborted || deps.store.unavailable() || instance.pause) return;
        busy = true;
        // Through a promise, so that a run that throws before its first await is caught like any other. On a store
        // several processes share, the task runs in one of them at a time: the others skip their turn.
        const work = () => task.run(taskContext(instance, services, { log: taskLog, signal: shutdown.signal, audit }));
        const run = Promise.resolve()
          .then(async () => {
            if (deps.store.runAlone) await deps.store.runAlone(`task ${task.name} of ${instance.id}`, work);
            else await work();
          })
          .catch((error: unknown) => taskLog.error({ err: errorMessage(error) }, `task ${task.name} failed; it runs again at its next turn`))
          .finally(() => {
            busy = false;
            running.delete(run);
          });
        running.add(run);
      };
      const timer = setInterval(turn, taskPeriod(task.everyMs(instance.config)));
      timer.unref();
      timers.push(timer);
    }
  }
  if (timers.length > 0) log.debug({ tasks: timers.length }, 'plugin tasks scheduled');
  return async () => {
    for (const timer of timers) clearInterval(timer);
    shutdown.abort();
    await Promise.allSettled([...running]);
  };
}

/** A task's `audit`: one entry as `actor` for `instance`, personal data in the summary masked. */
export function taskAudit(deps: Pick<ServiceDeps, 'store' | 'clock'>, instance: string, actor: string): TaskContext<unknown>['audit'] {
  return (action, summary) => deps.store.appendAudit([{ at: deps.clock.now(), actor, action, instance, summary: maskPersonalData(summary) as Record<string, unknown> }]);
}

/** At least a second (a slip would spin), at most what a timer can hold (Node resets longer ones to 1 ms). */
export function taskPeriod(everyMs: number): number {
  if (!Number.isFinite(everyMs)) return 60_000;
  return Math.min(Math.max(Math.round(everyMs), 1_000), 2 ** 31 - 1);
}
