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

/**
 * Calls `onExpired` once, about `ms` after now, unless cancelled first.
 *
 * Deadlines of the same length share one timer: they come due in the order they were started, so each length keeps
 * a queue and one timer for its head, and starting or cancelling one is a few pointer writes. Node's own
 * setTimeout groups timers by length as well, but each call also makes a Timeout object and a handle to cancel:
 * every attempt of every message has one or two deadlines, almost all cancelled long before they come due.
 */
export function startDeadline(ms: number, onExpired: (expiry: Expiry) => void): Deadline {
  const entry = new Entry(onExpired);
  queueFor(ms).add(entry);
  return entry;
}

/** One deadline: in the queue of its length until it comes due, then waiting for its turn of the event loop. */
class Entry implements Deadline {
  due = 0;
  pausedMs = 0;
  queue: DeadlineQueue | undefined;
  previous: Entry | undefined;
  next: Entry | undefined;
  cancelled = false;

  constructor(readonly onExpired: (expiry: Expiry) => void) {}

  cancel(): void {
    this.cancelled = true;
    this.queue?.remove(this);
  }

  expire(): void {
    if (!this.cancelled) this.onExpired({ afterPause: this.pausedMs > 0, pausedMs: Math.round(this.pausedMs) });
  }
}

/** A timer that fires this much before its head's due time (Node's loop time lags behind the clock) takes it as due. */
const EARLY_MS = 1;

/** The deadlines of one length, in the order they come due, and the one timer that fires for the first of them. */
class DeadlineQueue {
  #head: Entry | undefined;
  #tail: Entry | undefined;
  #timer: NodeJS.Timeout | undefined;
  /** The setTimeout that armed the timer: a test that swapped fake timers for real ones must get a real one. */
  #armedWith: typeof setTimeout | undefined;

  constructor(readonly ms: number) {}

  add(entry: Entry): void {
    entry.due = performance.now() + this.ms;
    entry.queue = this;
    entry.previous = this.#tail;
    entry.next = undefined;
    if (this.#tail) this.#tail.next = entry;
    else this.#head = entry;
    this.#tail = entry;
    if (this.#timer === undefined || this.#armedWith !== setTimeout) this.#arm(this.ms);
  }

  remove(entry: Entry): void {
    if (entry.queue !== this) return;
    if (entry.previous) entry.previous.next = entry.next;
    else this.#head = entry.next;
    if (entry.next) entry.next.previous = entry.previous;
    else this.#tail = entry.previous;
    entry.queue = entry.previous = entry.next = undefined;
    // The timer stays armed for a head that went away (it finds nothing due and re-arms), unless none is left.
    if (!this.#head) {
      if (this.#timer !== undefined) clearTimeout(this.#timer);
      this.#timer = undefined;
      // Lengths a plugin computes per call must not pile up queues.
      if (queues.get(this.ms) === this) queues.delete(this.ms);
    }
  }

  #arm(delay: number): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#armedWith = setTimeout;
    this.#timer = setTimeout(this.#fire, delay);
  }

  readonly #fire = () => {
    this.#timer = undefined;
    const now = performance.now();
    const due: Entry[] = [];
    for (let entry = this.#head; entry && entry.due <= now + EARLY_MS; entry = this.#head) {
      this.remove(entry);
      const late = now - entry.due;
      if (late > PAUSE_TOLERANCE_MS) {
        // Fired much later than due: the process did not run. Answers already received are read first.
        entry.pausedMs += late;
        queueFor(PAUSE_GRACE_MS).add(entry);
      } else {
        due.push(entry);
      }
    }
    if (this.#head) this.#arm(Math.max(1, Math.ceil(this.#head.due - now)));
    // One more turn of the event loop: an answer already waiting in its socket is read before the timeout counts.
    if (due.length > 0) setImmediate(expireAll, due);
  };
}

function expireAll(entries: Entry[]): void {
  for (const entry of entries) entry.expire();
}

const queues = new Map<number, DeadlineQueue>();

function queueFor(ms: number): DeadlineQueue {
  let queue = queues.get(ms);
  if (!queue) {
    queue = new DeadlineQueue(ms);
    queues.set(ms, queue);
  }
  return queue;
}
