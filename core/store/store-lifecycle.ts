import type { AvailabilityListener } from './availability.ts';
import type { StoreUnavailableError } from './unavailable.ts';

/** Whether the store can serve, how it closes, and what processes sharing it coordinate through it. */
export interface StoreLifecycle {
  /**
   * Runs `work` unless work under the same `name` (a plugin task of one instance) runs now in any process sharing the
   * store; answers whether it ran. SQLite has one gateway process per file, so only PostgreSQL needs it (an advisory
   * lock held while `work` runs); a store without it runs `work` every time.
   */
  runAlone?(name: string, work: () => Promise<void>): Promise<boolean>;
  /**
   * Calls `listener` with the instances of messages any process sharing the store has just stored (PostgreSQL's
   * LISTEN/NOTIFY), so that a worker starts them at once rather than at its next poll; returns how to stop.
   * A store only one process writes (SQLite) has no need of it.
   */
  onNewWork?(listener: (instances: string[]) => void): () => void;

  /** Throws when the store cannot be read or written (a StoreUnavailableError), or its migrations are not all applied. */
  checkReady(): Promise<void>;
  /**
   * Why the store cannot write now (disk full, its write lock held by a stalled process, read-only …), or undefined.
   * Set by a refused write (which rejects with that StoreUnavailableError), cleared by a probe the store runs by itself.
   */
  unavailable(): StoreUnavailableError | undefined;
  /** Told once when the store stops being able to write and once when it can again; returns how to stop listening. */
  onAvailabilityChange(listener: AvailabilityListener): () => void;
  close(): Promise<void>;
}
