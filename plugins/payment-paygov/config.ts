import * as v from 'valibot';
import { secret } from '../../core/plugin.ts';
import { FIELD_ORDER } from './fields.ts';
import { isHttpUrl } from './parse.ts';

/** A text field; messages name the field and never quote the input. */
const field = (name: string, max = 100) =>
  v.pipe(v.string(`${name} must be a string`), v.trim(), v.nonEmpty(`${name} must not be empty`), v.maxLength(max, `${name} is at most ${max} characters`));

/** A text field that may be empty (an empty value still enters MaXacThuc). */
const maybeEmpty = (name: string, max = 100) => v.pipe(v.string(`${name} must be a string`), v.trim(), v.maxLength(max, `${name} is at most ${max} characters`));

/** A JSON field name of the platform's messages. */
const fieldName = (name: string) => v.pipe(field(name, 50), v.regex(/^[A-Za-z][A-Za-z0-9_]*$/, `${name} must be a field name (letters, digits, _)`));

/** A field added to INIT: it must not replace a signed field or MaXacThuc. */
const extraField = (name: string) =>
  v.union(
    [
      v.pipe(
        fieldName(name),
        v.check((value) => ![...FIELD_ORDER.INIT, 'MaXacThuc'].includes(value), `${name} must not be a field of the signed INIT message`),
      ),
      v.literal(''),
    ],
    `${name} must be a field name or empty`,
  );

const path = (name: string) => v.pipe(field(name, 200), v.startsWith('/', `${name} must start with /`));

function wholeNumber(name: string, min: number, max: number) {
  return v.pipe(
    v.number(`${name} must be a number`),
    v.integer(`${name} must be a whole number`),
    v.minValue(min, `${name} must be at least ${min}`),
    v.maxValue(max, `${name} must be at most ${max}`),
  );
}

/**
 * One partner account on the national portal's payment platform. Defaults marked "unconfirmed" are what open-source
 * integrations send; the platform's specification is not public, so each can be changed per instance.
 */
export const paygovConfigSchema = v.object(
  {
    /** The platform's base URL, e.g. `https://thanhtoan.dichvucong.gov.vn`. */
    endpoint: v.pipe(v.string('endpoint must be a string'), v.check((value) => isHttpUrl(value), 'endpoint must be an absolute http or https URL')),
    /** Path of INIT messages under the endpoint. Default `/api/payment/init` (unconfirmed). */
    initPath: v.optional(path('initPath'), '/api/payment/init'),
    /** Path of QUERY messages under the endpoint. Default `/api/payment/query` (unconfirmed). */
    queryPath: v.optional(path('queryPath'), '/api/payment/query'),
    /** MaDoiTac: the partner code the platform gave the one-stop system. */
    partnerCode: field('partnerCode', 50),
    /** The shared secret that ends every MaXacThuc. */
    secret: secret(v.pipe(v.string(), v.minLength(8, 'secret is too short'))),
    /** Sent as `Authorization: Bearer …` when the deployment sits behind an API gateway that wants one. */
    accessToken: v.optional(secret()),
    /** LoaiHinhThanhToan. Default `PAY` (unconfirmed). */
    paymentType: v.optional(field('paymentType', 20), 'PAY'),
    /** MaKenhThanhToan: the payment channel. Default `1` (unconfirmed). */
    channelCode: v.optional(field('channelCode', 20), '1'),
    /** MaThietBi: the payer's device type. Default `1` (unconfirmed). */
    deviceCode: v.optional(field('deviceCode', 20), '1'),
    /** NgonNgu. Default `vi` (unconfirmed; some integrations send `vi-VN`). */
    language: v.optional(field('language', 10), 'vi'),
    /** MaTienTe. Default `VND`. */
    currency: v.optional(field('currency', 3), 'VND'),
    /** MaNganHang: empty lets the payer choose a bank on the platform's page. Default empty (unconfirmed). */
    bankCode: v.optional(maybeEmpty('bankCode', 20), ''),
    /** Ip: the platform asks for the requester's address; the one-stop call does not carry the payer's. Default `127.0.0.1`. */
    ip: v.optional(field('ip', 45), '127.0.0.1'),
    /** ThongTinGiaoDich without Vietnamese diacritics, as the known integrations send it. Default true (unconfirmed). */
    plainDescription: v.optional(v.boolean('plainDescription must be true or false'), true),
    /**
     * The INIT field that tells the platform where to send the result: this instance's callback URL. Default
     * `UrlCallback` (an assumption: the platform may instead register the URL per partner; then set it to '').
     */
    callbackUrlField: v.optional(extraField('callbackUrlField'), 'UrlCallback'),
    /** The INIT field that carries the caller's `returnUrl`. Default `UrlReturn` (an assumption). */
    returnUrlField: v.optional(extraField('returnUrlField'), 'UrlReturn'),
    /** The field of INIT's answer that holds the payment page. Default `UrlThanhToan` (unconfirmed). */
    paymentUrlField: v.optional(fieldName('paymentUrlField'), 'UrlThanhToan'),
    /** QUERY's ThoiGianGD: the INIT's time (`transaction`, default) or the time of the query (`now`). Unconfirmed. */
    queryTime: v.optional(v.picklist(['transaction', 'now'], 'queryTime must be transaction or now'), 'transaction'),
    /** How long the payment page is offered, for `expiresAt`. Default 15 minutes. */
    paymentTtlMinutes: v.optional(wholeNumber('paymentTtlMinutes', 1, 7 * 24 * 60), 15),
    /** Pending payments older than this are queried by the reconcile task. Default 120000 (2 minutes). */
    reconcileAfterMs: v.optional(wholeNumber('reconcileAfterMs', 1_000, 86_400_000), 120_000),
    /** How often the reconcile task runs. Default 60000. */
    reconcileEveryMs: v.optional(wholeNumber('reconcileEveryMs', 1_000, 86_400_000), 60_000),
    /** Per call; without it, the instance's delivery timeout applies. */
    timeoutMs: v.optional(wholeNumber('timeoutMs', 1, 120_000)),
  },
  (issue) => {
    const key = issue.path?.[0]?.key;
    return typeof key === 'string' ? `${key} is required` : 'the payment-paygov config must be an object';
  },
);

export type PaygovConfig = v.InferOutput<typeof paygovConfigSchema>;
