/**
 * Test support, not production: plugins for the HTTP tests whose answers the test scripts beforehand, and which
 * count every call, so a test can tell whether the provider was reached at all.
 */
import * as v from 'valibot';
import { Script } from '../testing/script.ts';
import { InputError, PermanentError, definePlugin } from '../sdk/index.ts';

export { Gate, Script, type Call, type Outcome } from '../testing/script.ts';

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
          await script.play({ operation: 'send', label: 'send', input, messageId: ctx.messageId, attempt: ctx.attempt });
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
          await script.play({ operation: 'create', label: 'create', input, messageId: ctx.messageId, attempt: ctx.attempt });
          return paymentCreated(input.dossierCode);
        },
      },
      query: {
        async run(input, ctx) {
          await script.play({ operation: 'query', label: 'query', input, messageId: ctx.messageId, attempt: ctx.attempt });
          return { paymentId: input.paymentId, status: 'paid' as const, amount: 50_000 };
        },
      },
    },
    // A notice `{ paymentId, signature }`: 'valid' marks the payment paid once, anything else is refused with
    // HTTP 200 as banks answer; 'plain' answers a bare Response.
    callbacks: {
      async handle(request, ctx) {
        const notice = (await request.json()) as { paymentId: string; signature: string; payerName?: string };
        if (notice.signature === 'plain') return new Response('ok', { status: 202 });
        if (notice.signature === 'crash') throw new Error(`store unavailable while handling ${notice.paymentId}`);
        if (notice.signature !== 'valid') {
          return { response: Response.json({ code: '97' }), accepted: false, summary: { reason: 'bad signature', payerName: notice.payerName } };
        }
        const changed = await ctx.records.transition(notice.paymentId, { from: ['pending'], to: 'paid' });
        return { response: Response.json({ code: '00' }), accepted: true, summary: { paymentId: notice.paymentId, repeated: !changed } };
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
          await script.play({ operation: 'document', label: 'document', input, messageId: ctx.messageId, attempt: ctx.attempt });
          return { contentType: 'application/pdf', filename: `${input.documentId}.pdf`, sha256: '0'.repeat(64), body: DOCUMENT_BYTES };
        },
      },
    },
  });
  return { plugin, script };
}
