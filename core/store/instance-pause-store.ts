import type { Actor } from './audit-store.ts';

/** An operator's pause of a plugin instance (its provider announced maintenance): no attempt of it starts until resumed. */
export interface InstancePause {
  instance: string;
  /** When it was paused. */
  at: number;
  /** Who paused it: `key:<key id>` or `cli`. */
  by: Actor;
  /** Why, as the operator wrote it (callers of the instance's sync operations read it too); null when none was given. */
  reason: string | null;
}

/** A pause that ended. */
export interface InstanceResume {
  pause: InstancePause;
  at: number;
  by: Actor;
  /** Waiting messages whose max age was moved on by the time they spent paused. */
  extended: number;
}

/** Instance state shared by every process: operators' pauses. */
export interface InstancePauseStore {
  /**
   * Pauses an instance, with its audit entry (`instance.paused`): no process starts an attempt of it until it is
   * resumed. Already paused, it answers the pause in place (`created: false`) and writes nothing.
   */
  pauseInstance(instance: string, pause: { actor: Actor; reason?: string | undefined; at: number }): Promise<{ pause: InstancePause; created: boolean }>;
  /**
   * Ends an instance's pause, with its audit entry (`instance.resumed`). Time spent paused does not count towards
   * max age: each of its queued messages that was still within its max age when paused has `expiresAt` moved on by
   * the time it waited paused. Undefined (nothing written) when the instance was not paused.
   */
  resumeInstance(instance: string, resume: { actor: Actor; at: number }): Promise<InstanceResume | undefined>;
  /** Every paused instance, oldest pause first: what each process reads at every poll. */
  pausedInstances(): Promise<InstancePause[]>;
}
