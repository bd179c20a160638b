import * as v from 'valibot';
import { secret as secretField } from '../sdk/index.ts';

/** `whsec_` then standard base64 (padded), as the Standard Webhooks libraries read it. */
const SECRET_FORM = /^whsec_(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const SECRET_MIN_BYTES = 24;
const SECRET_MAX_BYTES = 64;

function secretBytes(secret: string): number {
  return Buffer.from(secret.slice('whsec_'.length), 'base64').length;
}

function isHttpUrl(value: string): boolean {
  try {
    return /^https?:$/.test(new URL(value).protocol);
  } catch {
    return false;
  }
}

/** Every message is our own: valibot's defaults quote the received value, and a secret must never be echoed. */
const url = v.pipe(
  v.string('url must be a string'),
  v.check(isHttpUrl, 'url must be an absolute http or https URL, e.g. https://motcua.example.gov.vn/webhooks'),
);

const secret = secretField(v.pipe(
  v.string('secret must be a string'),
  v.regex(SECRET_FORM, 'secret must be whsec_ followed by standard base64'),
  // A malformed secret has already been reported by the regex: one message per problem.
  v.check(
    (value) => {
      if (!SECRET_FORM.test(value)) return true;
      const bytes = secretBytes(value);
      return bytes >= SECRET_MIN_BYTES && bytes <= SECRET_MAX_BYTES;
    },
    `secret must encode ${SECRET_MIN_BYTES} to ${SECRET_MAX_BYTES} bytes`,
  ),
));

const timeoutMs = v.optional(
  v.pipe(
    v.number('timeoutMs must be a number'),
    v.integer('timeoutMs must be a whole number of milliseconds'),
    v.minValue(1, 'timeoutMs must be at least 1'),
    v.maxValue(120_000, 'timeoutMs must be at most 120000'),
  ),
);

/** One subscription endpoint of the one-stop software. */
export const webhookConfigSchema = v.object(
  {
    url,
    secret,
    /** Per delivery; without it, the instance client's timeout applies. */
    timeoutMs,
  },
  // Missing keys are reported with the object's message; name the key rather than quote the input.
  (issue) => {
    const key = issue.path?.[0]?.key;
    return typeof key === 'string' ? `${key} is required` : 'the webhook config must be an object with url and secret';
  },
);

export type WebhookConfig = v.InferOutput<typeof webhookConfigSchema>;
