import { createPrivateKey, createPublicKey } from 'node:crypto';
import * as v from 'valibot';
import { httpUrlField, instanceConfig, pathField, secret, textField, wholeNumberField } from '../../core/sdk/index.ts';
import { NOTICE_PATTERN_DEFAULTS, isAnchoredPattern } from './notice-fields.ts';

/** True when `make` accepts the PEM text; the check never quotes it. */
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

const MINUTE = 60_000;

/** A regular expression a whole notice field must match. */
const patternField = (name: string) =>
  v.pipe(v.string(`${name} must be a string`), v.check(isAnchoredPattern, `${name} must be a regular expression from ^ to $, e.g. ^VTB\\d{20}$`));

/**
 * One agency's VietinBank collection account. The request paths, the fixed request fields and the hash are
 * configurable because no public specification confirms them (see ../shared/protocols/payment-vietinbank.md).
 */
export const vietinbankConfigSchema = instanceConfig('payment-vietinbank', {
  /** The bank's API base URL, e.g. `https://api.vietinbank.vn/vtb-api`. */
  endpoint: httpUrlField('endpoint', 'https://api.vietinbank.vn/vtb-api'),
  /** Where a payment is registered. Default `/collection/v1/payments` (unconfirmed). */
  createPath: v.optional(pathField('createPath'), '/collection/v1/payments'),
  /** Where a payment is looked up. Default `/collection/v1/inquiry` (unconfirmed). */
  inquiryPath: v.optional(pathField('inquiryPath'), '/collection/v1/inquiry'),
  /** Sent as `x-ibm-client-id`. */
  clientId: textField('clientId', 100),
  /** Sent as `x-ibm-client-secret`. */
  clientSecret: secret(v.pipe(v.string(), v.nonEmpty('clientSecret must not be empty'))),
  providerId: textField('providerId', 50),
  merchantId: textField('merchantId', 50),
  /** The agency's RSA private key (PEM): signs every request and every answer to a notice. */
  privateKey: secret(v.pipe(v.string(), v.check(parses(createPrivateKey), 'privateKey must be a PEM private key'))),
  /** The bank's RSA public key (PEM): verifies the bank's answers and notices. */
  bankPublicKey: secret(v.pipe(v.string(), v.check(parses(createPublicKey), 'bankPublicKey must be a PEM public key'))),
  /** SHA256withRSA (the Open API) by default; the older e-wallet API signs with SHA1withRSA. */
  signatureHash: v.optional(v.picklist(['sha256', 'sha1'], 'signatureHash must be sha256 or sha1'), 'sha256'),
  channel: v.optional(textField('channel', 20), 'WEB'),
  version: v.optional(textField('version', 10), '1.0'),
  language: v.optional(v.picklist(['vi', 'en'], 'language must be vi or en'), 'vi'),
  /** Sent as `payMethod`: which ways of paying the hosted page offers. Default `ALL` (unconfirmed). */
  payMethod: v.optional(textField('payMethod', 20), 'ALL'),
  /** Sent as `goodsType`. Default `PUBLIC_FEE` (unconfirmed). */
  goodsType: v.optional(textField('goodsType', 20), 'PUBLIC_FEE'),
  /** Sent as `clientIP`: the gateway's address as the bank whitelisted it. */
  clientIp: v.optional(textField('clientIp', 45), '127.0.0.1'),
  /**
   * Where the bank sends its payment notices. Default: the instance's callback URL
   * (`<publicUrl>/v1/callbacks/<instance>`), sent as `notifyUrl` in each create request. Set it when the bank
   * registers one fixed URL instead.
   */
  notifyUrl: v.optional(httpUrlField('notifyUrl')),
  /**
   * The forms of a notice's `transId` and `bankTransId`, as regular expressions from ^ to $. The bank signs the
   * notice's fields joined without separators, so a copy with characters moved from `bankTransId` to `remark` still
   * verifies; only an exact form refuses it, and `bankTransId`'s must fix its length. Defaults: the simulator's forms
   * (unconfirmed; take the bank's from its merchant specification).
   */
  noticeTransIdPattern: v.optional(patternField('noticeTransIdPattern'), NOTICE_PATTERN_DEFAULTS.transId),
  noticeBankTransIdPattern: v.optional(patternField('noticeBankTransIdPattern'), NOTICE_PATTERN_DEFAULTS.bankTransId),
  /** How long the payer has to pay. Default 30 minutes. */
  paymentTtlMs: v.optional(wholeNumberField('paymentTtlMs', MINUTE, 7 * 24 * 60 * MINUTE), 30 * MINUTE),
  /**
   * How long past its expiry a payment the bank still reports pending stays pending: until then the bank may still
   * take the money (its clock, a payer in the middle of paying). Default 10 minutes (unconfirmed).
   */
  expiryGraceMs: v.optional(wholeNumberField('expiryGraceMs', 0, 24 * 60 * MINUTE), 10 * MINUTE),
  /** A payment still pending this long after its last change is looked up at the bank. Default 5 minutes. */
  pendingCheckAfterMs: v.optional(wholeNumberField('pendingCheckAfterMs', 0, 24 * 60 * MINUTE), 5 * MINUTE),
  /** How often the reconciliation task runs. Default 1 minute. */
  reconcileEveryMs: v.optional(wholeNumberField('reconcileEveryMs', 100, 60 * MINUTE), MINUTE),
  /** Payments looked up per run of the reconciliation task, those asked about least recently first. Default 200. */
  reconcileBatch: v.optional(wholeNumberField('reconcileBatch', 1, 10_000), 200),
  /**
   * Per HTTP call. Default 6 s: a create that times out is followed by a look-up, and both must fit in the
   * instance's attempt timeout (15 s by default).
   */
  timeoutMs: v.optional(wholeNumberField('timeoutMs', 1, 120_000), 6_000),
});

export type VietinbankConfig = v.InferOutput<typeof vietinbankConfigSchema>;
