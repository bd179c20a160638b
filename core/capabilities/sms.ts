import * as v from 'valibot';
import { InputError } from '../sdk/errors.ts';
import { agencyCode, defineCapability, defineOperation, optionalText } from './define.ts';
import { vietnameseMobile } from './identifiers.ts';
import { hasUnsendableCharacters, nonGsmCharacters, smsText } from './sms-text.ts';

export const smsSendInput = v.object({
  agency: agencyCode,
  /** Normalised to `84…` before queueing. */
  to: vietnameseMobile,
  text: v.pipe(v.string(), v.nonEmpty(), v.maxLength(1600)),
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
  /** The provider's own id for the message, when its answer has one (for its delivery reports and support). */
  providerMessageId: v.optional(v.string()),
});

type SmsSendInput = v.InferOutput<typeof smsSendInput>;

/**
 * The text as every SMS provider sends it, shaped at the API edge before a provider's own checks: without
 * diacritics when `unicode` is false, composed (NFC) otherwise. Refuses, before anything is stored, a text that
 * no SMS can carry as asked. Messages describe the text, never quote it.
 */
export function normaliseSmsSend(input: SmsSendInput): SmsSendInput {
  const text = smsText(input);
  const problem = (message: string) => new InputError([{ path: 'text', message }]);
  if (input.text.trim() === '') throw problem('must not be blank');
  if (text.trim() === '') throw problem('text is empty once diacritics are removed');
  if (hasUnsendableCharacters(text)) throw problem('text contains control characters or broken surrogates');
  if (!input.unicode) {
    const unsupported = nonGsmCharacters(text);
    if (unsupported.length > 0) {
      throw problem(`text has characters a non-Unicode SMS cannot carry (${unsupported.slice(0, 5).join(', ')}): send it with unicode: true`);
    }
  }
  return { ...input, text };
}

export const sms = defineCapability({
  summary: 'Text messages to citizens (brandname SMS)',
  operations: {
    send: defineOperation({
      mode: 'async',
      summary: 'Queue one SMS to a Vietnamese mobile number',
      input: smsSendInput,
      output: smsSendOutput,
      normalise: normaliseSmsSend,
      // The one-stop software sends the dossier code as an SMS's reference (what the SMS is about).
      dossierCode: (input) => input.reference || undefined,
    }),
  },
});
