/**
 * The one table of what is signed: for each message, the fields whose values are concatenated, in this order and
 * without separators, before RSA signing. When an agency receives the bank's merchant specification, this table
 * (and the paths in the config) is what changes.
 *
 * Rows marked "documented" follow the orders seen in VietinBank's public APIs. The others are this plugin's
 * convention, modelled on them: the create request is the documented payment order without the token fields,
 * with the fields of a hosted payment (billNo, expireTime, notifyUrl, returnUrl) in it; answers start with the
 * documented response check (requestId + providerId + merchantId + status.code) and add the fields the gateway
 * acts on, so that a payment URL or a payment state cannot be changed on the way.
 */
export const SIGNATURE_FIELDS = {
  createRequest: [
    'requestId', 'amount', 'currencyCode', 'transTime', 'clientIP', 'payMethod', 'goodsType', 'billNo', 'remark',
    'expireTime', 'notifyUrl', 'returnUrl', 'providerId', 'merchantId', 'channel', 'version', 'language',
  ],
  createAnswer: ['requestId', 'providerId', 'merchantId', 'status.code', 'bankTransId', 'paymentUrl', 'qrData', 'expireTime'],
  // Documented.
  inquiryRequest: ['queryTransactionId', 'queryType', 'providerId', 'merchantId', 'channel', 'version', 'language'],
  inquiryAnswer: [
    'requestId', 'providerId', 'merchantId', 'status.code', 'queryTransactionId', 'transStatus', 'amount', 'bankTransId',
    'payTime', 'paymentUrl', 'qrData', 'expireTime',
  ],
  // Documented: the balance-change notification and the answer the bank expects to it.
  notice: ['transId', 'transTime', 'custCode', 'amount', 'bankTransId', 'remark'],
  noticeAnswer: ['transId', 'errorCode', 'errorDesc'],
} as const satisfies Record<string, readonly string[]>;

export type SignedMessage = keyof typeof SIGNATURE_FIELDS;
