import * as v from 'valibot';
import { agencyCode, defineCapability, defineOperation } from './define.ts';

export const webhookDeliverInput = v.object({
  agency: agencyCode,
  /** The Standard Webhooks payload: `{ type, timestamp, data }`. */
  event: v.object({
    type: v.pipe(v.string(), v.nonEmpty()),
    timestamp: v.string(),
    data: v.record(v.string(), v.unknown()),
  }),
});

export const webhookDeliverOutput = v.object({ status: v.number() });

/** Events to the one-stop software's endpoints. Queued by the gateway itself, never through `/v1`. */
export const webhook = defineCapability({
  summary: "Signed event delivery to the one-stop software's endpoints",
  operations: {
    deliver: defineOperation({
      mode: 'async',
      summary: 'Deliver one event to one subscription',
      input: webhookDeliverInput,
      output: webhookDeliverOutput,
      internal: true,
    }),
  },
});
