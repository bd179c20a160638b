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

const textField = (data: Record<string, unknown>, name: string): string | undefined => {
  const value = data[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
};

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
      // A payment's events name the dossier; message.dead names the dead message's reference, its dossier code.
      dossierCode: (input) => textField(input.event.data, 'dossierCode') ?? textField(input.event.data, 'reference'),
    }),
  },
});
