import * as v from 'valibot';
import { PermanentError, definePlugin } from '../../../core/sdk/index.ts';
import { startEchoSimulator } from './simulator.ts';

const configSchema = v.object({ url: v.pipe(v.string(), v.url()) });

/** A stand-in SMS adapter speaking the echo simulator's JSON, for whole-gateway tests and benchmarks. */
export default definePlugin({
  id: 'echo-sms',
  capability: 'sms',
  configSchema,
  operations: {
    send: {
      async run(input, ctx) {
        const answer = await ctx.http.post<{ status: string; duplicate?: boolean }>(
          `${ctx.config.url}/messages`,
          { requestId: ctx.messageId, to: input.to, text: input.text },
          { signal: ctx.signal },
        );
        if (answer.data.status !== 'accepted') throw new PermanentError(`provider answered ${answer.data.status}`, { code: answer.data.status });
        return { providerMessage: answer.data.status, segments: 1, duplicate: answer.data.duplicate ?? false };
      },
    },
  },
  simulator: {
    start: startEchoSimulator,
    sandboxConfig: (url) => ({ url }),
  },
});
