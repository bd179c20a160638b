import * as v from 'valibot';
import { httpUrlField, instanceConfig, pathField, secret, textField, wholeNumberField } from '../../core/sdk/index.ts';
import { FIELD_ORDER } from './fields.ts';

/** A text field that may be empty (an empty value still enters MaXacThuc). */
const maybeEmpty = (name: string, max: number) => v.pipe(v.string(`${name} must be a string`), v.trim(), v.maxLength(max, `${name} is at most ${max} characters`));

/** A JSON field name of the platform's messages. */
const fieldName = (name: string) => v.pipe(textField(name, 50), v.regex(/^[A-Za-z][A-Za-z0-9_]*$/, `${name} must be a field name (letters, digits, _)`));

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

const paygovConfigEntries = instanceConfig('payment-paygov', {
  /** The platform's base URL, e.g. `https://thanhtoan.dichvucong.gov.vn`. */
  endpoint: httpUrlField('endpoint', 'https://thanhtoan.dichvucong.gov.vn'),
  /** Path of INIT messages under the endpoint. Default `/api/payment/init` (unconfirmed). */
  initPath: v.optional(pathField('initPath', 200), '/api/payment/init'),
  /** Path of QUERY messages under the endpoint. Default `/api/payment/query` (unconfirmed). */
  queryPath: v.optional(pathField('queryPath', 200), '/api/payment/query'),
  /** MaDoiTac: the partner code the platform gave the one-stop system. */
  partnerCode: textField('partnerCode', 50),
  /** The shared secret that ends every MaXacThuc. */
  secret: secret(v.pipe(v.string(), v.minLength(8, 'secret is too short'))),
  /** Sent as `Authorization: Bearer …` when the deployment sits behind an API gateway that wants one. */
  accessToken: v.optional(secret()),
  /** LoaiHinhThanhToan. Default `PAY` (unconfirmed). */
  paymentType: v.optional(textField('paymentType', 20), 'PAY'),
  /** MaKenhThanhToan: the payment channel. Default `1` (unconfirmed). */
  channelCode: v.optional(textField('channelCode', 20), '1'),
  /** MaThietBi: the payer's device type. Default `1` (unconfirmed). */
  deviceCode: v.optional(textField('deviceCode', 20), '1'),
  /** NgonNgu. Default `vi` (unconfirmed; some integrations send `vi-VN`). */
  language: v.optional(textField('language', 10), 'vi'),
  /** MaTienTe. Default `VND`. */
  currency: v.optional(textField('currency', 3), 'VND'),
  /** MaNganHang: empty lets the payer choose a bank on the platform's page. Default empty (unconfirmed). */
  bankCode: v.optional(maybeEmpty('bankCode', 20), ''),
  /** Ip: the platform asks for the requester's address; the one-stop call does not carry the payer's. Default `127.0.0.1`. */
  ip: v.optional(textField('ip', 45), '127.0.0.1'),
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
  paymentTtlMinutes: v.optional(wholeNumberField('paymentTtlMinutes', 1, 7 * 24 * 60), 15),
  /** Pending payments older than this are queried by the reconcile task. Default 120000 (2 minutes). */
  reconcileAfterMs: v.optional(wholeNumberField('reconcileAfterMs', 1_000, 86_400_000), 120_000),
  /** How often the reconcile task runs. Default 60000. */
  reconcileEveryMs: v.optional(wholeNumberField('reconcileEveryMs', 1_000, 86_400_000), 60_000),
  /** Per call; without it, the instance's delivery timeout applies. */
  timeoutMs: v.optional(wholeNumberField('timeoutMs', 1, 120_000)),
});

/**
 * One partner account on the national portal's payment platform. Defaults marked "unconfirmed" are what open-source
 * integrations send; the platform's specification is not public, so each can be changed per instance.
 */
export const paygovConfigSchema = v.pipe(
  paygovConfigEntries,
  v.forward(
    // One field for both would send the payer's return page to the platform as the callback URL.
    v.check((config) => config.callbackUrlField === '' || config.callbackUrlField !== config.returnUrlField, 'returnUrlField must differ from callbackUrlField'),
    ['returnUrlField'],
  ),
);

export type PaygovConfig = v.InferOutput<typeof paygovConfigSchema>;
