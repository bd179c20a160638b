/**
 * Test support: outcomes a test queues for a scripted plugin's calls, so the gateway's reactions (retry, dead
 * letter, breaker, limits, shutdown, HTTP mapping) can be driven without a provider.
 */
import { PermanentError, RetryableError } from '../sdk/index.ts';

/** Holds a call until the test releases it. */
export class Gate {
  readonly release: () => void;
  /** Resolves once a call is waiting at the gate. */
  readonly reached: Promise<void>;
  readonly #opened: Promise<void>;
  #arrived: () => void = () => undefined;

  constructor() {
    let open: () => void = () => undefined;
    this.#opened = new Promise<void>((resolve) => {
      open = resolve;
    });
    this.release = open;
    this.reached = new Promise<void>((resolve) => {
      this.#arrived = resolve;
    });
  }

  /** Called by the plugin: waits until released. */
  pass(): Promise<void> {
    this.#arrived();
    return this.#opened;
  }
}

export type Outcome =
  | { kind: 'succeed' }
  | { kind: 'retryable'; error?: string; retryAfterMs?: number; code?: string }
  | { kind: 'permanent'; error?: string; code?: string }
  /** Throws something that is not one of the contract's errors (a bug in the plugin). */
  | { kind: 'crash'; thrown: unknown }
  /** Never settles, whatever the signal says: the gateway's own timeout must end it. */
  | { kind: 'hang' }
  /** Waits for `gate`, then plays `then` (default: succeed). */
  | { kind: 'block'; gate: Gate; then?: Outcome };

export const succeed: Outcome = { kind: 'succeed' };
export const retryable = (error = 'provider unavailable', retryAfterMs?: number): Outcome => ({ kind: 'retryable', error, retryAfterMs, code: 'UNAVAILABLE' });
export const permanent = (error = 'number blocked'): Outcome => ({ kind: 'permanent', error, code: 'REFUSED' });
export const crash = (thrown: unknown): Outcome => ({ kind: 'crash', thrown });
export const hang: Outcome = { kind: 'hang' };
export const block = (gate: Gate, then?: Outcome): Outcome => ({ kind: 'block', gate, then });

export interface Call {
  operation: string;
  /** What identifies the message in a test: an SMS text, a webhook's event type, an operation name. */
  label: string;
  input: unknown;
  messageId: string;
  attempt: number;
}

/**
 * The outcomes a plugin will play: first those queued for the call's label, then the shared queue, then
 * success. Every call is kept in `calls`.
 */
export class Script {
  readonly calls: Call[] = [];
  readonly #shared: Outcome[] = [];
  readonly #byLabel = new Map<string, Outcome[]>();

  queue(...outcomes: Outcome[]): this {
    this.#shared.push(...outcomes);
    return this;
  }

  queueFor(label: string, ...outcomes: Outcome[]): this {
    this.#byLabel.set(label, [...(this.#byLabel.get(label) ?? []), ...outcomes]);
    return this;
  }

  labels(): string[] {
    return this.calls.map((call) => call.label);
  }

  async play(call: Call): Promise<void> {
    this.calls.push(call);
    await perform(this.#byLabel.get(call.label)?.shift() ?? this.#shared.shift() ?? succeed);
  }
}

async function perform(outcome: Outcome): Promise<void> {
  switch (outcome.kind) {
    case 'succeed':
      return;
    case 'retryable':
      throw new RetryableError(outcome.error ?? 'provider unavailable', { retryAfterMs: outcome.retryAfterMs, code: outcome.code });
    case 'permanent':
      throw new PermanentError(outcome.error ?? 'refused', { code: outcome.code });
    case 'crash':
      throw outcome.thrown;
    case 'hang':
      return new Promise<never>(() => undefined);
    case 'block':
      await outcome.gate.pass();
      return perform(outcome.then ?? succeed);
  }
}
