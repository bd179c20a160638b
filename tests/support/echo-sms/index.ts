import * as v from 'valibot';
import { PermanentError, definePlugin, requestJson } from '../../../core/sdk/index.ts';
import { startEchoSimulator } from './simulator.ts';

const configSchema = v.object({ url: v.pipe(v.string(), v.url()) });

/** The echo provider's answer: `accepted`, or the reason it refused. */
const echoAnswer = v.object({ status: v.string(), duplicate: v.optional(v.boolean()) });

/** The echo provider's health answer. */
const echoHealth = v.object({ status: v.string() });

/** A stand-in SMS adapter speaking the echo simulator's JSON, for whole-gateway tests and benchmarks. */
export default definePlugin({
  id: 'echo-sms',
  capability: 'sms',
  configSchema,
  operations: {
    send: {
      async run(input, ctx) {
        const { answer } = await requestJson(ctx.http, {
          url: `${ctx.config.url}/messages`,
          body: { requestId: ctx.messageId, to: input.to, text: input.text },
          answer: echoAnswer,
          signal: ctx.signal,
        });
        if (answer.status !== 'accepted') throw new PermanentError(`provider answered ${answer.status}`, { code: answer.status });
        // The echo provider files each message under the request id it was sent (see its /__received): that is its id for it.
        return { providerMessage: answer.status, segments: 1, duplicate: answer.duplicate ?? false, providerMessageId: ctx.messageId };
      },
    },
  },
  async health(ctx) {
    const { answer } = await requestJson(ctx.http, { method: 'GET', url: `${ctx.config.url}/health`, answer: echoHealth, signal: ctx.signal });
    return { ok: answer.status === 'ok', detail: { status: answer.status } };
  },
  simulator: {
    start: startEchoSimulator,
    sandboxConfig: (url) => ({ url }),
  },
});
