/**
 * Test support, not production: plugins whose every attempt plays an outcome the test queued beforehand, so the
 * worker's reactions (retry, dead letter, breaker, limits, shutdown) can be driven without a provider.
 */
import * as v from 'valibot';
import { definePlugin, PermanentError, RetryableError, secret } from '../plugin.ts';

/** Holds an attempt until the test releases it. */
export class Gate {
  readonly release: () => void;
  /** Resolves once an attempt is waiting at the gate. */
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
  messageId: string;
  attempt: number;
  /** What identifies the message in a test: the SMS text, or the event type of a webhook. */
  label: string;
  input: unknown;
}

/**
 * The outcomes an instance will play: first those queued for the message's label, then the shared queue, then
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
    const outcome = this.#byLabel.get(call.label)?.shift() ?? this.#shared.shift() ?? succeed;
    await perform(outcome);
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

/** An SMS plugin (id `scripted`) whose label is the message text. */
export function scriptedSms(script = new Script()) {
  const plugin = definePlugin({
    id: 'scripted',
    capability: 'sms',
    configSchema: v.object({}),
    operations: {
      send: {
        async run(input, ctx) {
          await script.play({ messageId: ctx.messageId, attempt: ctx.attempt, label: input.text, input });
          return { providerMessage: 'OK', providerCode: '0', segments: 1 };
        },
      },
    },
  });
  return { plugin, script };
}

/** A webhook plugin (id `webhook`, as subscriptions require) whose label is the event type. */
export function scriptedWebhook(script = new Script()) {
  const plugin = definePlugin({
    id: 'webhook',
    capability: 'webhook',
    configSchema: v.object({ url: v.string(), secret: secret() }),
    operations: {
      deliver: {
        async run(input, ctx) {
          await script.play({ messageId: ctx.messageId, attempt: ctx.attempt, label: input.event.type, input });
          return { status: 204 };
        },
      },
    },
  });
  return { plugin, script };
}
