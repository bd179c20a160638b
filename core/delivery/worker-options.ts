/** What the delivery worker (worker.ts) is made with, and what it tells of each attempt. */
import type { Logger } from 'pino';
import type { AttemptOutcome, Store } from '../store/types.ts';
import type { Clock } from './clock.ts';
import type { InstanceRuntime, Instances } from '../runtime/instances.ts';
import type { PluginServices } from '../runtime/plugin-services.ts';

export interface WorkerOptions {
  store: Store;
  instances: Instances;
  log: Logger;
  clock?: Clock;
  random?: () => number;
  /** How often to look for due messages when nothing wakes the worker. Default 250 ms. */
  pollIntervalMs?: number;
  /** Most messages claimed at once per instance. Default 100. */
  batchSize?: number;
  /**
   * How many messages an instance may hold claimed beyond its concurrency, waiting for a slot (the local queue), so
   * that a slot freed goes to the next message at once rather than after a claim. Default: the instance's
   * concurrency. 0 claims only for free slots.
   */
  localQueue?: number;
  /** A lease outlives the attempt's timeout by this much. Default 10 s. */
  leaseMarginMs?: number;
  /** The records, events and callback URL an instance's plugin gets (core/runtime/plugin-services.ts). */
  services: (instance: InstanceRuntime) => PluginServices;
  /** Told of every attempt whose outcome the store recorded (metrics). Default none; what it throws is logged. */
  onAttempt?: (event: AttemptEvent) => void;
  /**
   * While the store cannot write the worker claims nothing; it looks again when the store says it can write, or
   * after this long. Default 5 s.
   */
  storeRecheckMs?: number;
}

/** An attempt whose outcome the store has recorded. */
export interface AttemptEvent {
  instance: string;
  outcome: AttemptOutcome;
  /** Clock time from the start of the attempt to its outcome; 0 when `skipped`. */
  durationMs: number;
  providerCode?: string | undefined;
  /** Closed dead without running the plugin (attempt budget spent, or max age reached). */
  skipped: boolean;
}
