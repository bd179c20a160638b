/**
 * Test support, not production: plugins for the HTTP tests whose answers the test scripts beforehand, and which
 * count every call, so a test can tell whether the provider was reached at all.
 */
import * as v from 'valibot';
import { InputError, PermanentError, RetryableError, definePlugin } from '../plugin.ts';

/** Holds a call until the test releases it. */
export class Gate {
  readonly release: () => void;
  /** Resolves once a call is waiting at the gate. */
  readonly reached: Promise<void>;
  readonly #opened: Promise<void>;
  #arrive: () => void = () => undefined;

  constructor() {
    let open: () => void = () => undefined;
    this.#opened = new Promise<void>((resolve) => {
      open = resolve;
    });
    this.release = open;
    this.reached = new Promise<void>((resolve) => {
      this.#arrive = resolve;
    });
  }

  pass(): Promise<void> {
    this.#arrive();
    return this.#opened;
  }
}

export type Outcome =
  | { kind: 'result' }
  | { kind: 'permanent'; error: string; code?: string }
  | { kind: 'retryable'; error: string; retryAfterMs?: number }
  /** Throws something outside the contract: counts as retryable. */
  | { kind: 'crash'; error: string }
  /** Never settles and ignores its signal: only the gateway's timeout ends the call. */
  | { kind: 'hang' }
  /** Waits for the gate, then answers. */
  | { kind: 'block'; gate: Gate };

export interface Call {
  operation: string;
  input: unknown;
  messageId: string;
  attempt: number;
}

/** Outcomes played in order, one per call, then plain results; every call is kept. */
export class Script {
  readonly calls: Call[] = [];
  readonly #outcomes: Outcome[] = [];

  queue(...outcomes: Outcome[]): this {
    this.#outcomes.push(...outcomes);
    return this;
  }

  async play(call: Call): Promise<void> {
    this.calls.push(call);
    const outcome = this.#outcomes.shift() ?? { kind: 'result' };
    switch (outcome.kind) {
      case 'result':
        return;
      case 'permanent':
        throw new PermanentError(outcome.error, { code: outcome.code });
      case 'retryable':
        throw new RetryableError(outcome.error, { retryAfterMs: outcome.retryAfterMs, code: 'UNAVAILABLE' });
      case 'crash':
        throw new Error(outcome.error);
      case 'hang':
        return new Promise<never>(() => undefined);
      case 'block':
        await outcome.gate.pass();
        return;
    }
  }
}

/** The word that makes the SMS plugin's `prepare` refuse a text, as a provider's content rules would. */
export const FORBIDDEN_WORD = 'FORBIDDEN';

/** An SMS plugin (id `test-sms`, async): its `prepare` refuses texts with the forbidden word. */
export function testSmsPlugin(script = new Script()) {
  const plugin = definePlugin({
    id: 'test-sms',
    capability: 'sms',
    configSchema: v.object({}),
    operations: {
      send: {
        prepare(input) {
          if (input.text.includes(FORBIDDEN_WORD)) throw new InputError([{ path: 'text', message: 'the provider refuses this content' }]);
          return input;
        },
        async run(input, ctx) {
          await script.play({ operation: 'send', input, messageId: ctx.messageId, attempt: ctx.attempt });
          return { providerMessage: 'OK', providerCode: '0', segments: 1 };
        },
      },
    },
  });
  return { plugin, script };
}

/** What the payment plugin answers when its outcome is a result. */
export const paymentCreated = (dossierCode: string) => ({
  paymentId: `PAY-${dossierCode}`,
  paymentUrl: `https://pay.example.vn/checkout/PAY-${dossierCode}`,
  expiresAt: '2026-03-01T09:00:00+07:00',
});

/** A payment plugin (id `test-payment`, sync create and query) whose every call plays the script's next outcome. */
export function testPaymentPlugin(script = new Script()) {
  const plugin = definePlugin({
    id: 'test-payment',
    capability: 'payment',
    configSchema: v.object({}),
    operations: {
      create: {
        async run(input, ctx) {
          await script.play({ operation: 'create', input, messageId: ctx.messageId, attempt: ctx.attempt });
          return paymentCreated(input.dossierCode);
        },
      },
      query: {
        async run(input, ctx) {
          await script.play({ operation: 'query', input, messageId: ctx.messageId, attempt: ctx.attempt });
          return { paymentId: input.paymentId, status: 'paid' as const, amount: 50_000 };
        },
      },
    },
  });
  return { plugin, script };
}

/** The bytes the e-card plugin serves as a document: not valid UTF-8 on purpose. */
export const DOCUMENT_BYTES = Uint8Array.from([0x25, 0x50, 0x44, 0x46, 0xff, 0xfe, 0x00, 0x80, 0xc3]);

/** An e-card plugin (id `test-ecard`, sync); only `document` (a file answer) is meant to be called. */
export function testEcardPlugin(script = new Script()) {
  const plugin = definePlugin({
    id: 'test-ecard',
    capability: 'ecard',
    configSchema: v.object({}),
    operations: {
      lookup: {
        async run() {
          throw new PermanentError('not scripted');
        },
      },
      verify: {
        async run() {
          throw new PermanentError('not scripted');
        },
      },
      documents: {
        async run() {
          throw new PermanentError('not scripted');
        },
      },
      document: {
        async run(input, ctx) {
          await script.play({ operation: 'document', input, messageId: ctx.messageId, attempt: ctx.attempt });
          return { contentType: 'application/pdf', filename: `${input.documentId}.pdf`, sha256: '0'.repeat(64), body: DOCUMENT_BYTES };
        },
      },
    },
  });
  return { plugin, script };
}
