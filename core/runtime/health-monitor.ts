import type { Clock } from '../delivery/clock.ts';
import type { HealthReport } from '../sdk/contract.ts';
import { errorMessage } from '../sdk/errors.ts';
import { type Deadline, startDeadline } from './deadline.ts';
import type { InstanceRuntime } from './instances.ts';
import { healthContext } from './plugin-context.ts';

export interface HealthMonitorOptions {
  /** Time between the end of one check of an instance and the start of the next. Default 30 s. */
  intervalMs?: number;
  /** A check without an answer by then counts as failed (its plugin is asked to stop). Default 5 s. */
  timeoutMs?: number;
}

/** An instance's health as last checked: what the admin view shows, however slow its provider is right now. */
export interface KnownHealth {
  /** The last finished check's report; undefined until the first check of a started monitor ends. */
  report: HealthReport | undefined;
  /** When that check ended (the gateway's clock). */
  checkedAt: number | undefined;
}

interface Watch extends KnownHealth {
  timer: NodeJS.Timeout | undefined;
  /** The check in flight, if any: never more than one per instance. */
  check: { controller: AbortController; deadline: Deadline } | undefined;
}

/**
 * Keeps each instance's health fresh in the background: every instance whose plugin has a health check is checked
 * at start and then `intervalMs` after each check ended, with a timeout, one check at a time. Readers get the last
 * known health at once, never waiting on a provider that hangs.
 */
export class HealthMonitor {
  readonly #instances: readonly InstanceRuntime[];
  readonly #watches = new Map<string, Watch>();
  #clock: Clock | undefined;
  #intervalMs = 30_000;
  #timeoutMs = 5_000;

  constructor(instances: readonly InstanceRuntime[]) {
    this.#instances = instances;
  }

  start(clock: Clock, options: HealthMonitorOptions = {}): void {
    if (this.#clock) return;
    this.#clock = clock;
    this.#intervalMs = options.intervalMs ?? this.#intervalMs;
    this.#timeoutMs = options.timeoutMs ?? this.#timeoutMs;
    for (const instance of this.#instances) {
      if (!instance.plugin.health) continue;
      const watch: Watch = { report: undefined, checkedAt: undefined, timer: undefined, check: undefined };
      this.#watches.set(instance.id, watch);
      this.#check(instance, watch);
    }
  }

  /** Stops every check (those in flight are aborted) and forgets what was known: no timer is left behind. */
  stop(): void {
    for (const watch of this.#watches.values()) {
      clearTimeout(watch.timer);
      watch.check?.deadline.cancel();
      watch.check?.controller.abort(new DOMException('the gateway is stopping', 'AbortError'));
    }
    this.#watches.clear();
    this.#clock = undefined;
  }

  /** What is known of an instance's health; undefined when its plugin has no health check. */
  known(instance: InstanceRuntime): KnownHealth | undefined {
    if (!instance.plugin.health) return undefined;
    const watch = this.#watches.get(instance.id);
    return { report: watch?.report, checkedAt: watch?.checkedAt };
  }

  #check(instance: InstanceRuntime, watch: Watch): void {
    const health = instance.plugin.health;
    const clock = this.#clock;
    if (!health || !clock) return;
    if (instance.pause) {
      // A provider in announced maintenance is not asked: the last known health stays, with its growing age.
      watch.timer = setTimeout(() => this.#check(instance, watch), this.#intervalMs);
      watch.timer.unref();
      return;
    }
    const timeoutMs = this.#timeoutMs;
    const controller = new AbortController();
    let over = false;
    const conclude = (report: HealthReport) => {
      if (over || this.#watches.get(instance.id) !== watch) return;
      over = true;
      tellChange(instance, watch.report, report);
      watch.report = report;
      watch.checkedAt = clock.now();
    };
    const deadline = startDeadline(timeoutMs, () => {
      conclude({ ok: false, detail: { error: `no answer to the health check within ${timeoutMs} ms` } });
      controller.abort(new DOMException(`timed out after ${timeoutMs} ms`, 'TimeoutError'));
    });
    watch.check = { controller, deadline };
    // A plugin that ignores its signal keeps its check in flight: the next starts only once it has let go.
    Promise.resolve()
      .then(() => health(healthContext(instance, controller.signal)))
      .then(conclude, (error: unknown) => conclude({ ok: false, detail: { error: errorMessage(error) } }))
      .finally(() => {
        deadline.cancel();
        if (this.#watches.get(instance.id) !== watch) return;
        watch.check = undefined;
        watch.timer = setTimeout(() => this.#check(instance, watch), this.#intervalMs);
        watch.timer.unref();
      });
  }
}

/** One log line when an instance's health changes (the first check logs only a failure). */
function tellChange(instance: InstanceRuntime, before: HealthReport | undefined, now: HealthReport): void {
  if (before?.ok === now.ok || (before === undefined && now.ok)) return;
  if (now.ok) instance.log.info(`health check of instance ${instance.id} passes again`);
  else instance.log.warn({ detail: now.detail }, `health check of instance ${instance.id} fails: check the provider (details in GET /admin/v1/instances)`);
}
