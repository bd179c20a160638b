import * as v from 'valibot';
import { agencyCode, defineCapability, defineOperation, optionalText } from './define.ts';
import { vietnameseMobile } from './identifiers.ts';

export const smsSendInput = v.object({
  agency: agencyCode,
  /** Normalised to `84…` before queueing. */
  to: vietnameseMobile,
  text: v.pipe(v.string(), v.nonEmpty('text is required'), v.maxLength(1600)),
  /** false (default): Vietnamese diacritics are removed so the message fits GSM 7-bit segments. */
  unicode: v.optional(v.boolean(), false),
  /** The caller's own reference, e.g. the dossier code, echoed in events. */
  reference: optionalText(100),
});

export const smsSendOutput = v.object({
  /** The provider's answer, e.g. `Insert MT_QUEUE: OK`. */
  providerMessage: v.string(),
  providerCode: v.optional(v.string()),
  /** What the agency pays for. */
  segments: v.number(),
  /** True when the provider reported the message as a duplicate of an earlier attempt that got through. */
  duplicate: v.optional(v.boolean()),
});

export const sms = defineCapability({
  summary: 'Text messages to citizens (brandname SMS)',
  operations: {
    send: defineOperation({
      mode: 'async',
      summary: 'Queue one SMS to a Vietnamese mobile number',
      input: smsSendInput,
      output: smsSendOutput,
    }),
  },
});
