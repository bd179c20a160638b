import * as v from 'valibot';
import { secret } from '../../core/plugin.ts';

function isHttpUrl(value: string): boolean {
  try {
    return /^https?:$/.test(new URL(value).protocol);
  } catch {
    return false;
  }
}

/** A required text field; every message names the field and none quotes the input. */
const field = (name: string, max = 100) =>
  v.pipe(
    v.string(`${name} must be a string`),
    v.trim(),
    v.nonEmpty(`${name} must not be empty`),
    v.maxLength(max, `${name} is at most ${max} characters`),
  );

/**
 * One Viettel brandname account. Concurrency and rate limits are the gateway's per-instance `delivery` settings,
 * not fields here.
 */
/** A whole number in [min, max]; messages name the field and never quote the value. */
function wholeNumber(name: string, min: number, max: number, maxWords = `at most ${max}`, unit = '') {
  return v.pipe(
    v.number(`${name} must be a number`),
    v.integer(`${name} must be a whole number${unit}`),
    v.minValue(min, `${name} must be at least ${min}`),
    v.maxValue(max, `${name} must be ${maxWords}`),
  );
}

export const viettelConfigSchema = v.object(
  {
    /** The bulkapi service URL, e.g. `http://ams.tinnhanthuonghieu.vn:8009/bulkapi`; the WSDL is never fetched from it. */
    endpoint: v.pipe(
      v.string('endpoint must be a string'),
      v.check(isHttpUrl, 'endpoint must be an absolute http or https URL, e.g. http://ams.tinnhanthuonghieu.vn:8009/bulkapi'),
    ),
    user: field('user'),
    password: secret(v.pipe(v.string(), v.nonEmpty('password must not be empty'))),
    /** The CP (content provider) code Viettel gave the agency. */
    cpCode: field('cpCode'),
    /** The registered brandname (alias), sent as ServiceID, e.g. `UBND-TTHUE`. */
    brandname: field('brandname', 11),
    /** Sent as CommandCode. Default `bulksms`. */
    commandCode: v.optional(field('commandCode'), 'bulksms'),
    /** ContentType for messages without diacritics. Default `0` (the common reading; unconfirmed). */
    contentTypePlain: v.optional(field('contentTypePlain', 10), '0'),
    /** ContentType for Unicode messages. Default `1` (the common reading; unconfirmed). */
    contentTypeUnicode: v.optional(field('contentTypeUnicode', 10), '1'),
    /** A text needing more SMS segments than this is refused with 400 before it is queued. Default 5. */
    maxSegments: v.optional(wholeNumber('maxSegments', 1, 10), 5),
    /**
     * Added to the message's sequence number to make RequestID. Sequences start again in a new database: when
     * two databases (staging and production, or one after a reset) send for one CP code, give each its own
     * offset (e.g. 10^12) so their RequestIDs never meet. Default 0.
     */
    requestIdOffset: v.optional(wholeNumber('requestIdOffset', 0, 9_000_000_000_000_000, 'at most 9e15'), 0),
    /** Per SOAP call; without it, the instance's delivery timeout applies. */
    timeoutMs: v.optional(wholeNumber('timeoutMs', 1, 120_000, 'at most 120000', ' of milliseconds')),
  },
  (issue) => {
    const key = issue.path?.[0]?.key;
    return typeof key === 'string' ? `${key} is required` : 'the sms-viettel config must be an object';
  },
);

export type ViettelConfig = v.InferOutput<typeof viettelConfigSchema>;
