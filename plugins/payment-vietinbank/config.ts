import { createPrivateKey, createPublicKey } from 'node:crypto';
import * as v from 'valibot';
import { secret } from '../../core/plugin.ts';

export function isHttpUrl(value: string): boolean {
  try {
    return /^https?:$/.test(new URL(value).protocol);
  } catch {
    return false;
  }
}

function parses(make: (pem: string) => unknown): (pem: string) => boolean {
  return (pem) => {
    try {
      make(pem);
      return true;
    } catch {
      return false;
    }
  };
}

/** A required text field; messages name the field and never quote the input. */
const field = (name: string, max = 100) =>
  v.pipe(v.string(`${name} must be a string`), v.trim(), v.nonEmpty(`${name} must not be empty`), v.maxLength(max, `${name} is at most ${max} characters`));

const wholeNumber = (name: string, min: number, max: number) =>
  v.pipe(
    v.number(`${name} must be a number`),
    v.integer(`${name} must be a whole number`),
    v.minValue(min, `${name} must be at least ${min}`),
    v.maxValue(max, `${name} must be at most ${max}`),
  );

const path = (name: string, fallback: string) =>
  v.optional(v.pipe(v.string(`${name} must be a string`), v.regex(/^\/[\w\-./]*$/, `${name} must be a path starting with /`)), fallback);

const MINUTE = 60_000;

/**
 * One agency's VietinBank collection account. The request paths, the fixed request fields and the hash are
 * configurable because no public specification confirms them (see ../shared/protocols/payment-vietinbank.md).
 */
export const vietinbankConfigSchema = v.object(
  {
    /** The bank's API base URL, e.g. `https://api.vietinbank.vn/vtb-api`. */
    endpoint: v.pipe(v.string('endpoint must be a string'), v.check(isHttpUrl, 'endpoint must be an absolute http or https URL')),
    /** Where a payment is registered. Default `/collection/v1/payments` (unconfirmed). */
    createPath: path('createPath', '/collection/v1/payments'),
    /** Where a payment is looked up. Default `/collection/v1/inquiry` (unconfirmed). */
    inquiryPath: path('inquiryPath', '/collection/v1/inquiry'),
    /** Sent as `x-ibm-client-id`. */
    clientId: field('clientId'),
    /** Sent as `x-ibm-client-secret`. */
    clientSecret: secret(v.pipe(v.string(), v.nonEmpty('clientSecret must not be empty'))),
    providerId: field('providerId', 50),
    merchantId: field('merchantId', 50),
    /** The agency's RSA private key (PEM): signs every request and every answer to a notice. */
    privateKey: secret(v.pipe(v.string(), v.check(parses(createPrivateKey), 'privateKey must be a PEM private key'))),
    /** The bank's RSA public key (PEM): verifies the bank's answers and notices. */
    bankPublicKey: secret(v.pipe(v.string(), v.check(parses(createPublicKey), 'bankPublicKey must be a PEM public key'))),
    /** SHA256withRSA (the Open API) by default; the older e-wallet API signs with SHA1withRSA. */
    signatureHash: v.optional(v.picklist(['sha256', 'sha1'], 'signatureHash must be sha256 or sha1'), 'sha256'),
    channel: v.optional(field('channel', 20), 'WEB'),
    version: v.optional(field('version', 10), '1.0'),
    language: v.optional(v.picklist(['vi', 'en'], 'language must be vi or en'), 'vi'),
    /** Sent as `payMethod`: which ways of paying the hosted page offers. Default `ALL` (unconfirmed). */
    payMethod: v.optional(field('payMethod', 20), 'ALL'),
    /** Sent as `goodsType`. Default `PUBLIC_FEE` (unconfirmed). */
    goodsType: v.optional(field('goodsType', 20), 'PUBLIC_FEE'),
    /** Sent as `clientIP`: the gateway's address as the bank whitelisted it. */
    clientIp: v.optional(field('clientIp', 45), '127.0.0.1'),
    /**
     * Where the bank sends its payment notices. Default: the instance's callback URL
     * (`<publicUrl>/v1/callbacks/<instance>`), sent as `notifyUrl` in each create request. Set it when the bank
     * registers one fixed URL instead.
     */
    notifyUrl: v.optional(v.pipe(v.string('notifyUrl must be a string'), v.check(isHttpUrl, 'notifyUrl must be an absolute http or https URL'))),
    /** How long the payer has to pay. Default 30 minutes. */
    paymentTtlMs: v.optional(wholeNumber('paymentTtlMs', MINUTE, 7 * 24 * 60 * MINUTE), 30 * MINUTE),
    /** A payment still pending this long after its last change is looked up at the bank. Default 5 minutes. */
    pendingCheckAfterMs: v.optional(wholeNumber('pendingCheckAfterMs', 0, 24 * 60 * MINUTE), 5 * MINUTE),
    /** How often the reconciliation task runs. Default 1 minute. */
    reconcileEveryMs: v.optional(wholeNumber('reconcileEveryMs', 100, 60 * MINUTE), MINUTE),
    /** Payments looked up per run of the reconciliation task, least recently changed first. Default 200. */
    reconcileBatch: v.optional(wholeNumber('reconcileBatch', 1, 10_000), 200),
    /**
     * Per HTTP call. Default 6 s: a create that times out is followed by a look-up, and both must fit in the
     * instance's attempt timeout (15 s by default).
     */
    timeoutMs: v.optional(wholeNumber('timeoutMs', 1, 120_000), 6_000),
  },
  (issue) => {
    const key = issue.path?.[0]?.key;
    return typeof key === 'string' ? `${key} is required` : 'the payment-vietinbank config must be an object';
  },
);

export type VietinbankConfig = v.InferOutput<typeof vietinbankConfigSchema>;
