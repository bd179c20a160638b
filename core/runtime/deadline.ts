/**
 * A timeout that a pause of this process does not turn into the provider's fault.
 *
 * After a pause (SIGSTOP, a frozen VM, an event loop blocked for seconds) Node runs the timers that came due before it
 * reads the sockets that received their answers meanwhile: with a plain setTimeout, an answer the provider gave in
 * time would be recorded as a timeout and the call sent again. A deadline that fires much later than it was due
 * (measured on the monotonic clock, which timers use too) first lets pending I/O be read for a short grace, and
 * then says that a pause came before it, so the caller does not blame the provider.
 */

/** A timer later than its due time by more than this says the process did not run meanwhile. */
export const PAUSE_TOLERANCE_MS = 1_000;

/** After a pause, how long answers already received are given to be read before the timeout counts. */
export const PAUSE_GRACE_MS = 500;

export interface Expiry {
  /** The process was paused past the deadline: the provider may well have answered in time. */
  afterPause: boolean;
  /** How long the process did not run past the deadline (0 without a pause). */
  pausedMs: number;
}

export interface Deadline {
  /** The call ended first: the deadline will not fire. Safe to call more than once. */
  cancel(): void;
}

/** Calls `onExpired` once, about `ms` after now, unless cancelled first. */
export function startDeadline(ms: number, onExpired: (expiry: Expiry) => void): Deadline {
  let timer: NodeJS.Timeout | undefined;
  let turn: NodeJS.Immediate | undefined;
  let pausedMs = 0;
  const arm = (delay: number) => {
    const due = performance.now() + delay;
    timer = setTimeout(() => {
      const late = performance.now() - due;
      if (late > PAUSE_TOLERANCE_MS) {
        pausedMs += late;
        arm(PAUSE_GRACE_MS);
        return;
      }
      // One more turn of the event loop: an answer already waiting in its socket is read before the timeout counts.
      turn = setImmediate(() => onExpired({ afterPause: pausedMs > 0, pausedMs: Math.round(pausedMs) }));
    }, delay);
  };
  arm(ms);
  return {
    cancel() {
      clearTimeout(timer);
      clearImmediate(turn);
    },
  };
}
