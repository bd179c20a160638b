/**
 * The VietinBank client over the instance's axios: each request gets the fixed fields and the agency's
 * signature; each answer must carry the bank's signature and echo our requestId, or it is not acted on.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { AxiosInstance } from 'axios';
import * as v from 'valibot';
import { PermanentError, requestJson } from '../../core/sdk/index.ts';
import { badSignature } from './answer-codes.ts';
import type { VietinbankConfig } from './config.ts';
import { signed, verifyMessage } from './signature.ts';
import type { SignedMessage } from './signature-fields.ts';
import { toTransTime } from './vietnam-time.ts';

export interface BankCall {
  config: VietinbankConfig;
  http: AxiosInstance;
  signal: AbortSignal;
}

const statusSchema = v.object({ code: v.pipe(v.string(), v.regex(/^\w{1,10}$/)), message: v.optional(v.string()) });
const optionalText = v.optional(v.string());

const answerBase = {
  requestId: v.string(),
  providerId: v.string(),
  merchantId: v.string(),
  status: statusSchema,
  signature: v.string(),
};

const createAnswerSchema = v.looseObject({ ...answerBase, bankTransId: optionalText, paymentUrl: optionalText, qrData: optionalText, expireTime: optionalText });

const inquiryAnswerSchema = v.looseObject({
  ...answerBase,
  queryTransactionId: optionalText,
  transStatus: optionalText,
  amount: optionalText,
  bankTransId: optionalText,
  payTime: optionalText,
  paymentUrl: optionalText,
  qrData: optionalText,
  expireTime: optionalText,
});

export type CreateAnswer = v.InferOutput<typeof createAnswerSchema>;
export type InquiryAnswer = v.InferOutput<typeof inquiryAnswerSchema>;

/** The create request's own fields; the client adds requestId's companions and the signature. */
export interface CreateFields {
  requestId: string;
  amount: number;
  billNo: string;
  remark: string;
  expireTime: string;
  notifyUrl: string;
  returnUrl: string | undefined;
}

const REQUEST_ID_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** The form of every requestId, and so of every paymentId, this plugin makes. */
export const REQUEST_ID_FORM = new RegExp(`^[${REQUEST_ID_ALPHABET}]{12}$`);

/** 12 characters (the most the bank takes), 5 bits from each of the first 12 bytes: 60 bits. */
function requestIdFrom(bytes: Uint8Array): string {
  let id = '';
  for (let i = 0; i < 12; i++) id += REQUEST_ID_ALPHABET[(bytes[i] ?? 0) % 32];
  return id;
}

/** A fresh requestId, for a request that is never repeated (an inquiry). */
export const newRequestId = (): string => requestIdFrom(randomBytes(12));

/** The requestId of a message, from its id's SHA-256: every try of one message registers the same. */
export const requestIdOf = (messageId: string): string => requestIdFrom(createHash('sha256').update(messageId).digest());

function fixedFields(config: VietinbankConfig) {
  return { providerId: config.providerId, merchantId: config.merchantId, channel: config.channel, version: config.version, language: config.language };
}

/** Posts a signed request and reads the answer of `schema`: an answer that does not match is retryable MALFORMED_ANSWER. */
async function post<T>(call: BankCall, path: string, request: SignedMessage, body: Record<string, unknown>, schema: v.GenericSchema<unknown, T>): Promise<T> {
  const { config } = call;
  const { answer } = await requestJson(call.http, {
    url: `${config.endpoint.replace(/\/$/, '')}${path}`,
    body: signed(request, body, config.privateKey.reveal(), config.signatureHash),
    headers: { 'x-ibm-client-id': config.clientId, 'x-ibm-client-secret': config.clientSecret.reveal() },
    answer: schema,
    signal: call.signal,
    timeoutMs: config.timeoutMs,
  });
  return answer;
}

/** The bank's answer, acted on only when the bank signed it and it answers this request of this merchant. */
function checked<T extends Record<string, unknown> & { requestId: string; providerId: string; merchantId: string }>(
  call: BankCall,
  answerType: SignedMessage,
  answer: T,
  requestId: string,
  what: string,
): T {
  const { config } = call;
  if (!verifyMessage(answerType, answer, config.bankPublicKey.reveal(), config.signatureHash)) throw badSignature(what);
  if (answer.requestId !== requestId || answer.providerId !== config.providerId || answer.merchantId !== config.merchantId) {
    throw new PermanentError(`VietinBank's ${what} is signed but answers another request or merchant`, { code: 'ANSWER_MISMATCH' });
  }
  return answer;
}

/** Registers a payment; answers the bank's signed answer, whatever its status code. */
export async function createPayment(call: BankCall, fields: CreateFields, now = new Date()): Promise<CreateAnswer> {
  const body = {
    requestId: fields.requestId,
    ...fixedFields(call.config),
    transTime: toTransTime(now),
    amount: String(fields.amount),
    currencyCode: 'VND',
    clientIP: call.config.clientIp,
    payMethod: call.config.payMethod,
    goodsType: call.config.goodsType,
    billNo: fields.billNo,
    remark: fields.remark,
    expireTime: fields.expireTime,
    notifyUrl: fields.notifyUrl,
    returnUrl: fields.returnUrl ?? '',
  };
  const answer = await post(call, call.config.createPath, 'createRequest', body, createAnswerSchema);
  return checked(call, 'createAnswer', answer, fields.requestId, 'answer to a payment request');
}

/** Looks up a payment by the requestId that registered it. */
export async function inquire(call: BankCall, queryTransactionId: string, now = new Date()): Promise<InquiryAnswer> {
  const requestId = newRequestId();
  const body = { requestId, ...fixedFields(call.config), transTime: toTransTime(now), queryTransactionId, queryType: '1' };
  const answer = await post(call, call.config.inquiryPath, 'inquiryRequest', body, inquiryAnswerSchema);
  return checked(call, 'inquiryAnswer', answer, requestId, 'answer to an inquiry');
}
