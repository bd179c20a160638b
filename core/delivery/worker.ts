import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import type { Logger } from 'pino';
import { acceptedEntry, attemptEntry } from '../audit/entries.ts';
import { errorMessage } from '../sdk/errors.ts';
import type { CompleteAttempt, MessageRecord, Store } from '../store/types.ts';
import { StoreUnavailableError, findStoreUnavailable } from '../store/unavailable.ts';
import { gate } from '../runtime/gate.ts';
import { Lane } from './lane.ts';
import { type AttemptSettings, attemptMessage } from './attempt.ts';
import { refreshPauses } from '../runtime/pauses.ts';
import { type Clock, systemClock } from './clock.ts';
import type { InstanceRuntime, Instances } from '../runtime/instances.ts';
import type { PluginServices } from '../runtime/plugin-services.ts';
import type { AttemptEvent, WorkerOptions } from './worker-options.ts';

/**
 * The outbox worker: claims due messages per instance with a lease, runs them within the instance's
 * concurrency, rate limit and circuit breaker, and records each outcome. Every claimed message is released in
 * one guarded place (`#deliver`), whatever the plugin does.
 */
export class DeliveryWorker {
  readonly leaseOwner = `worker-${randomUUID()}`;
  readonly #store: Store;
  readonly #instances: Instances;
  readonly #log: Logger;
  readonly #clock: Clock;
  readonly #random: () => number;
  readonly #pollIntervalMs: number;
  readonly #batchSize: number;
  readonly #localQueue: number | undefined;
  readonly #leaseMarginMs: number;
  readonly #onAttempt: ((event: AttemptEvent) => void) | undefined;
  readonly #storeRecheckMs: number;
  #stopWatchingStore: (() => void) | undefined;
  readonly #services: (instance: InstanceRuntime) => PluginServices;
  /** Every claimed message until its outcome is recorded or it is given back, per instance. */
  readonly #inFlight = new Map<string, Set<Promise<void>>>();
  readonly #lanes = new Map<string, Lane>();
  /** Each message this worker holds claimed (waiting for a slot or attempting): its instance, and when its lease runs out. */
  readonly #leases = new Map<string, { instance: string; until: number }>();
  readonly #shutdown = new AbortController();
  #running = false;
  /** Set by `stop`: a claimed message that has not started by then is left for `stop` to release. */
  #stopping = false;
  #loop: Promise<void> | undefined;
  #wake: (() => void) | undefined;
  #wakeRequested = false;
  /**
   * Instances that may have due work: told so by `notify`, or with a claim that came back full. A pass claims only
   * for these, except at each poll, which looks at every instance (retries coming due, leases run out, messages
   * another process stored). A claim is a write transaction: asking every instance each time one delivery ends
   * cost more than the deliveries.
   */
  readonly #maybeDue = new Set<string>();

  constructor(options: WorkerOptions) {
    this.#store = options.store;
    this.#instances = options.instances;
    this.#log = options.log;
    this.#clock = options.clock ?? systemClock;
    this.#random = options.random ?? Math.random;
    this.#pollIntervalMs = options.pollIntervalMs ?? 250;
    this.#batchSize = options.batchSize ?? 100;
    this.#localQueue = options.localQueue;
    this.#leaseMarginMs = options.leaseMarginMs ?? 10_000;
    this.#onAttempt = options.onAttempt;
    this.#storeRecheckMs = options.storeRecheckMs ?? 5000;
    this.#services = options.services;
    // Every attempt in flight listens for shutdown: as many listeners as the instances' concurrency allows.
    setMaxListeners(0, this.#shutdown.signal);
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#stopping = false;
    // One line when the store stops being able to write and one when it can again, however many polls between.
    this.#stopWatchingStore = this.#store.onAvailabilityChange((outage) => {
      if (outage) {
        this.#log.error({ reason: outage.reason }, `store unavailable: ${outage.message}; deliveries wait until it can write`);
      } else {
        this.#log.info('store writable again; deliveries resume');
        this.notify();
      }
    });
    this.#loop = this.#run();
  }

  /** New work was stored (for `instances`, or for every instance): look now rather than at the next poll. */
  notify(...instances: string[]): void {
    for (const instance of instances.length > 0 ? instances : this.#instances.all.map((each) => each.id)) this.#maybeDue.add(instance);
    this.#wakeRequested = true;
    this.#wake?.();
  }

  /**
   * One pass: claims what each instance may start now and starts it. With `wait`, resolves when the attempts
   * it started have finished (tests drive the worker this way with a fake clock). Returns how many it claimed.
   */
  async deliverDue(options: { wait?: boolean } = {}): Promise<number> {
    await this.#readPauses();
    return this.#pass(this.#instances.all, options.wait ?? false);
  }

  /** Claims for `instances` together (their claims share one transaction) and starts what they got. */
  async #pass(instances: readonly InstanceRuntime[], wait: boolean): Promise<number> {
    for (const instance of instances) this.#maybeDue.delete(instance.id);
    const started = (await Promise.all(instances.map((instance) => this.#claimFor(instance)))).flat();
    if (wait) await Promise.all(started);
    return started.length;
  }

  /** Stops claiming, lets attempts in flight finish within `graceMs`, then aborts the rest and releases them. */
  async stop(graceMs = 10_000): Promise<void> {
    this.#running = false;
    this.#stopping = true;
    this.notify();
    await this.#loop;
    for (const lane of this.#lanes.values()) lane.wakeAll();
    const pending = [...this.#inFlight.values()].flatMap((set) => [...set]);
    if (pending.length > 0) {
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, graceMs);
      });
      await Promise.race([Promise.all(pending), grace]);
      clearTimeout(timer);
      this.#shutdown.abort();
      await Promise.all(pending);
    }
    this.#stopWatchingStore?.();
    let released: number;
    try {
      released = await this.#store.releaseLeases(this.leaseOwner, this.#clock.now());
    } catch (error) {
      if (!(error instanceof StoreUnavailableError)) throw error;
      this.#log.warn(`could not release leased messages on shutdown (${error.message}); they are tried again once their lease runs out`);
      return;
    }
    if (released > 0) this.#log.info({ released }, 'released leased messages on shutdown');
  }

  async #run(): Promise<void> {
    // Real time, not the delivery clock: the full pass is about the store's other writers, not about due dates.
    let lastFullPass = Number.NEGATIVE_INFINITY;
    while (this.#running) {
      this.#wakeRequested = false;
      if (this.#store.unavailable()) {
        // Back off entirely: a claim would be refused too. The store's own probe ends the outage and wakes us.
        await this.#sleep(this.#storeRecheckMs);
        continue;
      }
      // Every poll interval, however busy: a steady stream of notifies for one instance must not starve the others.
      const full = performance.now() - lastFullPass >= this.#pollIntervalMs;
      if (full) lastFullPass = performance.now();
      const instances = full ? this.#instances.all : this.#instances.all.filter((instance) => this.#maybeDue.has(instance.id));
      try {
        if (full) await this.#readPauses();
        await this.#pass(instances, false);
      } catch (error) {
        // A store that cannot write was said once, when it stopped (start); the next turn backs off.
        if (!(error instanceof StoreUnavailableError)) this.#log.error({ err: errorMessage(error) }, 'delivery pass failed; retrying after the poll interval');
      }
      if (!this.#running) break;
      if (this.#wakeRequested) continue;
      await this.#sleep(Math.max(0, lastFullPass + this.#pollIntervalMs - performance.now()));
    }
  }

  /** Waits `ms`, or less if `notify` wakes the worker. */
  async #sleep(ms: number): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.#wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.#wake = undefined;
  }

  /**
   * Which instances an operator paused, read from the store at every poll: a pause made by the CLI or another
   * process stops this worker's claims within a poll interval (the gate lets no attempt of a paused instance start).
   */
  #readPauses(): Promise<void> {
    return refreshPauses(this.#store, this.#instances, this.#log);
  }

  async #claimFor(instance: InstanceRuntime): Promise<Promise<void>[]> {
    const now = this.#clock.now();
    const inFlight = this.#inFlight.get(instance.id) ?? new Set();
    this.#inFlight.set(instance.id, inFlight);
    const lane = this.#lanes.get(instance.id) ?? new Lane();
    this.#lanes.set(instance.id, lane);
    const { concurrency } = instance.policy;
    const localQueue = this.#localQueue ?? concurrency;
    // Claim again once the lane has room for a whole local queue: claims of a good size, made while the slots are
    // still busy with what the last claim brought.
    const room = concurrency + localQueue - lane.held;
    const limit = room < Math.max(1, localQueue) ? 0 : Math.min(this.#batchSize, room, gate.allowance(instance, now));
    // Full, open circuit or out of tokens: nothing to ask the store, but worth asking again at the next pass. Or a
    // lease of ours ran out while its attempt is still in flight (the process was paused: see runtime/deadline.ts):
    // a claim now would take that message again and send it twice. The attempt settles within its grace; then claim.
    if (limit <= 0 || this.#leaseRanOut(instance.id, now)) {
      this.#maybeDue.add(instance.id);
      return [];
    }
    const leaseUntil = now + instance.policy.timeoutMs + this.#leaseMarginMs;
    const claimed = await this.#store.claimDue({
      instance: instance.id,
      limit,
      now,
      leaseOwner: this.leaseOwner,
      leaseUntil,
    });
    gate.reserve(instance, claimed.length, now);
    lane.hold(claimed.length);
    // A full claim may have left more behind.
    if (claimed.length === limit) this.#maybeDue.add(instance.id);
    return claimed.map((message) => {
      this.#leases.set(message.id, { instance: instance.id, until: leaseUntil });
      const delivery = this.#deliver(instance, lane, message).finally(() => {
        inFlight.delete(delivery);
        this.#leases.delete(message.id);
        // The next message with this one's ordering key may have come due.
        this.notify(instance.id);
      });
      inFlight.add(delivery);
      return delivery;
    });
  }

  #leaseRanOut(instance: string, now: number): boolean {
    for (const lease of this.#leases.values()) if (lease.instance === instance && lease.until <= now) return true;
    return false;
  }

  /**
   * A claimed message's way through: its turn for a slot, its attempt, and once the slot is free for the next
   * message, the outcome recorded. Whatever happens, it ends here.
   */
  async #deliver(instance: InstanceRuntime, lane: Lane, message: MessageRecord): Promise<void> {
    const log = instance.log.child({ messageId: message.id });
    let completion: CompleteAttempt | undefined;
    await lane.take(instance.policy.concurrency);
    try {
      const now = this.#clock.now();
      const refusal = this.#mayNotStart(instance, message, now);
      if (refusal === 'stopping') return;
      if (refusal) await this.#giveBack(message, now, log, refusal);
      else completion = await attemptMessage(this.#attemptSettings(instance), instance, message, log);
    } catch (error) {
      this.#cannotRecord(log, error);
      return;
    } finally {
      lane.leave(instance.policy.concurrency);
      // A slot is free: the lane may have room for another claim.
      this.notify(instance.id);
    }
    if (!completion) return;
    try {
      await this.#record(instance, message, completion);
    } catch (error) {
      this.#cannotRecord(log, error);
    }
  }

  /**
   * Why a message that waited for its slot must not start now: shutdown (`stop` releases it), a pause or an open
   * circuit that came meanwhile, or a lease too short for a whole attempt (another process could take the message
   * over while it runs here).
   */
  #mayNotStart(instance: InstanceRuntime, message: MessageRecord, now: number): string | undefined {
    if (this.#stopping) return 'stopping';
    const refusal = gate.refusal(instance, now);
    if (refusal === 'paused' || refusal === 'circuit-open') return refusal;
    const lease = this.#leases.get(message.id);
    if (lease && lease.until - now < instance.policy.timeoutMs) return 'lease too short for an attempt';
    return undefined;
  }

  /** Puts a claimed message back in the queue, its attempt given back: it never started. */
  async #giveBack(message: MessageRecord, now: number, log: Logger, reason: string): Promise<void> {
    log.debug(`claimed message given back unattempted: ${reason}`);
    await this.#store.releaseLeases(this.leaseOwner, now, [message.id]);
  }

  #cannotRecord(log: Logger, error: unknown): void {
    // The store refused the outcome: the lease expires and the message is tried again. Nothing is lost. A store
    // that cannot write is said once for all (start), not once per message.
    if (findStoreUnavailable(error)) log.debug({ err: errorMessage(error) }, 'could not record the outcome of an attempt: the store cannot write');
    else log.error({ err: errorMessage(error) }, 'could not record the outcome of an attempt');
  }

  #attemptSettings(instance: InstanceRuntime): AttemptSettings {
    return { clock: this.#clock, random: this.#random, leaseOwner: this.leaseOwner, instances: this.#instances, services: this.#services(instance), signal: this.#shutdown.signal };
  }

  /**
   * Records an attempt's outcome with its audit entries (the attempt, and the events it queues) in one write:
   * the one place the observer hears of attempts, and only of recorded ones.
   */
  async #record(instance: InstanceRuntime, message: MessageRecord, completion: CompleteAttempt): Promise<void> {
    completion.audit = [
      attemptEntry({
        message,
        outcome: completion.outcome,
        startedAt: completion.attempt?.startedAt ?? completion.now,
        finishedAt: completion.now,
        skipped: completion.attempt?.skipped,
        error: completion.error,
        providerCode: completion.providerCode,
        nextAttemptAt: completion.nextAttemptAt,
      }),
      ...(completion.enqueue ?? []).map((event) => acceptedEntry(event, 'worker')),
    ];
    const recorded = await this.#store.completeAttempt(completion);
    if (recorded && completion.enqueue?.length) this.notify(...completion.enqueue.map((event) => event.instance));
    if (!recorded || !this.#onAttempt) return;
    const skipped = completion.attempt?.skipped === true;
    const startedAt = completion.attempt?.startedAt ?? completion.now;
    try {
      this.#onAttempt({
        instance: instance.id,
        outcome: completion.outcome,
        durationMs: skipped ? 0 : completion.now - startedAt,
        providerCode: completion.providerCode,
        skipped,
      });
    } catch (error) {
      instance.log.warn({ err: errorMessage(error), messageId: message.id }, 'attempt observer failed');
    }
  }
}
