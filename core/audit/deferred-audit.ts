import type { Logger } from 'pino';
import { errorMessage } from '../sdk/errors.ts';
import type { AuditInput, AuditStore } from '../store/types.ts';

/** How long entries gather before they are written: far below what an operator reading the log would notice. */
export const DEFERRED_AUDIT_DELAY_MS = 20;
/** Written at once when this many wait. */
const MOST_WAITING = 500;

/**
 * Audit entries recorded off an answer's path (each sync call's): gathered for a few milliseconds and appended
 * together, so a steady trickle of look-ups costs one transaction each gathering rather than one per look-up (at
 * 200 look-ups a second, a third of a look-up's CPU). An entry is on record a moment after its answer, as it
 * already was; `flush` writes what waits, and a stopping gateway calls it before it closes the store.
 */
export class DeferredAudit {
  #waiting: AuditInput[] = [];
  #timer: NodeJS.Timeout | undefined;
  #written: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: Pick<AuditStore, 'appendAudit'>,
    private readonly log: Logger,
  ) {}

  add(entry: AuditInput): void {
    this.#waiting.push(entry);
    if (this.#waiting.length >= MOST_WAITING) void this.flush();
    else this.#timer ??= setTimeout(() => void this.flush(), DEFERRED_AUDIT_DELAY_MS);
  }

  /** Writes what waits; resolves once it is written (or its failure logged). */
  flush(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const entries = this.#waiting;
    if (entries.length === 0) return this.#written;
    this.#waiting = [];
    const written = this.store.appendAudit(entries).catch((error: unknown) => {
      this.log.error({ err: errorMessage(error), entries: entries.length }, `could not write the audit entries of ${entries.length} sync call(s): ${errorMessage(error)}; the calls were answered, their entries are lost`);
    });
    this.#written = Promise.all([this.#written, written]).then(() => undefined);
    return this.#written;
  }
}
