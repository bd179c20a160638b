/**
 * Test support, not production: plugins whose every attempt plays an outcome the test queued beforehand, so the
 * worker's reactions (retry, dead letter, breaker, limits, shutdown) can be driven without a provider.
 */
import * as v from 'valibot';
import { Script } from '../testing/script.ts';
import { definePlugin, secret } from '../sdk/index.ts';

export { Gate, Script, block, crash, hang, permanent, retryable, succeed, type Call, type Outcome } from '../testing/script.ts';

/** An SMS plugin (id `scripted`) whose label is the message text. */
export function scriptedSms(script = new Script()) {
  const plugin = definePlugin({
    id: 'scripted',
    capability: 'sms',
    configSchema: v.object({}),
    operations: {
      send: {
        async run(input, ctx) {
          await script.play({ operation: 'send', messageId: ctx.messageId, attempt: ctx.attempt, label: input.text, input });
          return { providerMessage: 'OK', providerCode: '0', segments: 1 };
        },
      },
    },
    // Never emitted: a subscription to it is one that wants no `message.dead`.
    events: { 'payment.succeeded': 'never emitted by this test plugin' },
  });
  return { plugin, script };
}

/** A stand-in for the built-in webhook delivery (`loadConfig`'s `webhookDelivery`), whose label is the event type. */
export function scriptedWebhook(script = new Script()) {
  const plugin = definePlugin({
    id: 'webhook',
    capability: 'webhook',
    configSchema: v.object({ url: v.string(), secret: secret() }),
    operations: {
      deliver: {
        async run(input, ctx) {
          await script.play({ operation: 'deliver', messageId: ctx.messageId, attempt: ctx.attempt, label: input.event.type, input });
          return { status: 204 };
        },
      },
    },
  });
  return { plugin, script };
}
