import * as v from 'valibot';
import { httpUrlField, instanceConfig, secret, textField, wholeNumberField } from '../../core/sdk/index.ts';

/**
 * One Viettel brandname account. Concurrency and rate limits are the gateway's per-instance `delivery` settings,
 * not fields here.
 */
export const viettelConfigSchema = instanceConfig('sms-viettel', {
  /** The bulkapi service URL, e.g. `http://ams.tinnhanthuonghieu.vn:8009/bulkapi`; the WSDL is never fetched from it. */
  endpoint: httpUrlField('endpoint', 'http://ams.tinnhanthuonghieu.vn:8009/bulkapi'),
  user: textField('user', 100),
  password: secret(v.pipe(v.string(), v.nonEmpty('password must not be empty'))),
  /** The CP (content provider) code Viettel gave the agency. */
  cpCode: textField('cpCode', 100),
  /** The registered brandname (alias), sent as ServiceID, e.g. `UBND-TTHUE`. */
  brandname: textField('brandname', 11),
  /** Sent as CommandCode. Default `bulksms`. */
  commandCode: v.optional(textField('commandCode', 100), 'bulksms'),
  /** ContentType for messages without diacritics. Default `0` (the common reading; unconfirmed). */
  contentTypePlain: v.optional(textField('contentTypePlain', 10), '0'),
  /** ContentType for Unicode messages. Default `1` (the common reading; unconfirmed). */
  contentTypeUnicode: v.optional(textField('contentTypeUnicode', 10), '1'),
  /** A text needing more SMS segments than this is refused with 400 before it is queued. Default 5. */
  maxSegments: v.optional(wholeNumberField('maxSegments', 1, 10), 5),
  /**
   * Added to the message's sequence number to make RequestID. Sequences start again in a new database: when
   * two databases (staging and production, or one after a reset) send for one CP code, give each its own
   * offset (e.g. 10^12) so their RequestIDs never meet. Default 0.
   */
  requestIdOffset: v.optional(wholeNumberField('requestIdOffset', 0, 9_000_000_000_000_000), 0),
  /** Per SOAP call; without it, the instance's delivery timeout applies. */
  timeoutMs: v.optional(wholeNumberField('timeoutMs', 1, 120_000)),
});

export type ViettelConfig = v.InferOutput<typeof viettelConfigSchema>;
