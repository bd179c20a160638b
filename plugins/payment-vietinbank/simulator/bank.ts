/**
 * The simulated bank: checks requests the way the bank's gateway would (client id and secret, fields, the
 * agency's signature, the time window), keeps each registered payment and its state, and answers signed with the
 * bank's key. The HTTP side is server.ts; payment notices are notices.ts.
 */
import { randomInt } from 'node:crypto';
import * as v from 'valibot';
import { httpUrlField } from '../../../core/sdk/index.ts';
import { signed, verifyMessage, type SignatureHash } from '../signature.ts';
import type { SignedMessage } from '../signature-fields.ts';
import { fromTransTime, toTransTime } from '../vietnam-time.ts';
import { vietQr } from './vietqr.ts';

/** What the bank knows about the one merchant it serves, and its own signing key. */
export interface BankAccount {
  clientId: string;
  clientSecret: string;
  providerId: string;
  merchantId: string;
  /** Verifies the agency's requests. */
  agencyPublicKey: string;
  /** Signs answers and notices. */
  bankPrivateKey: string;
  signatureHash: SignatureHash;
  /** The collection account the QR data pays into. */
  collectionAccount: string;
}

export type BankState = 'pending' | 'paid' | 'failed' | 'expired';

export const STATE_CODES: Record<BankState, string> = { paid: '00', pending: '01', failed: '02', expired: '03' };

export interface BankPayment {
  requestId: string;
  billNo: string;
  amount: number;
  remark: string;
  notifyUrl: string;
  returnUrl: string;
  expireAt: Date;
  state: BankState;
  qrData: string;
  /** Set when paid. */
  bankTransId?: string;
  payTime?: Date;
  /** The notice's own id: every repeat of one notice carries the same. */
  transId?: string;
}

export interface BankAnswer {
  status: number;
  body: Record<string, unknown>;
}

/** How far transTime may be from the bank's clock. */
const TIME_WINDOW_MS = 5 * 60_000;
const TEXT = (value: unknown): value is string => typeof value === 'string' && value.trim() !== '';
const httpUrl = httpUrlField('url');
const isHttpUrl = (value: unknown) => v.is(httpUrl, value);

export function createBank(account: BankAccount, pageUrl: () => string) {
  const byRequestId = new Map<string, BankPayment>();
  const byBillNo = new Map<string, BankPayment>();
  const requestIds = new Set<string>();

  const answer = (type: SignedMessage, requestId: unknown, code: string, message: string, extra: Record<string, unknown> = {}): BankAnswer => {
    const body = { requestId: typeof requestId === 'string' ? requestId : '', providerId: account.providerId, merchantId: account.merchantId, status: { code, message }, ...extra };
    return { status: 200, body: signed(type, body, account.bankPrivateKey, account.signatureHash) };
  };

  /** The refusal every request type shares, or undefined when the envelope is sound. */
  function envelopeRefusal(type: 'createRequest' | 'inquiryRequest', request: Record<string, unknown>, now: Date): [string, string] | undefined {
    const required = ['requestId', 'providerId', 'merchantId', 'transTime', 'channel', 'version', 'language', 'signature'];
    const missing = required.find((name) => !TEXT(request[name]));
    if (missing) return ['02', `${missing} is required`];
    if (String(request.requestId).length > 12) return ['02', 'requestId is at most 12 characters'];
    if (request.providerId !== account.providerId || request.merchantId !== account.merchantId) return ['03', 'unknown provider or merchant'];
    if (!verifyMessage(type, request, account.agencyPublicKey, account.signatureHash)) return ['01', 'invalid signature'];
    const transTime = fromTransTime(String(request.transTime));
    if (!transTime) return ['02', 'transTime is not yyyyMMddHHmmss'];
    if (Math.abs(transTime.getTime() - now.getTime()) > TIME_WINDOW_MS) return ['08', 'transTime is outside the allowed window'];
    return undefined;
  }

  function currentState(payment: BankPayment, now: Date): BankState {
    if (payment.state === 'pending' && now > payment.expireAt) payment.state = 'expired';
    return payment.state;
  }

  return {
    find: (requestId: string) => byRequestId.get(requestId),
    /** A signed refusal, as the bank answers every request it cannot serve. */
    refuse: (type: 'createAnswer' | 'inquiryAnswer', requestId: unknown, code: string, message: string) => answer(type, requestId, code, message),
    /** Brings a payment's state up to date (a pending one past its expiry is expired). */
    refresh: (payment: BankPayment, now = new Date()) => currentState(payment, now),

    create(request: Record<string, unknown>, now = new Date()): { answer: BankAnswer; payment?: BankPayment; refused?: string } {
      const reply = (code: string, message: string) => ({ answer: answer('createAnswer', request.requestId, code, message), refused: `${code} ${message}` });
      const refusal = envelopeRefusal('createRequest', request, now);
      if (refusal) return reply(...refusal);
      for (const name of ['amount', 'currencyCode', 'billNo', 'remark', 'expireTime', 'notifyUrl']) if (!TEXT(request[name])) return reply('02', `${name} is required`);
      const amount = String(request.amount);
      if (!/^[1-9]\d{0,10}$/.test(amount) || Number(amount) > 10_000_000_000) return reply('06', 'invalid amount');
      if (request.currencyCode !== 'VND') return reply('02', 'currencyCode must be VND');
      const expireAt = fromTransTime(String(request.expireTime));
      if (!expireAt || expireAt <= now) return reply('02', 'expireTime must be a future yyyyMMddHHmmss');
      if (!isHttpUrl(request.notifyUrl) || (TEXT(request.returnUrl) && !isHttpUrl(request.returnUrl))) return reply('02', 'notifyUrl and returnUrl must be http(s) URLs');
      const requestId = String(request.requestId);
      if (requestIds.has(requestId)) return reply('07', 'duplicate requestId');
      const billNo = String(request.billNo);
      if (byBillNo.has(billNo)) return reply('05', 'duplicate transaction');
      requestIds.add(requestId);
      const payment: BankPayment = {
        requestId,
        billNo,
        amount: Number(amount),
        remark: String(request.remark),
        notifyUrl: String(request.notifyUrl),
        returnUrl: TEXT(request.returnUrl) ? request.returnUrl : '',
        expireAt,
        state: 'pending',
        qrData: vietQr(account.collectionAccount, Number(amount), billNo),
      };
      byRequestId.set(requestId, payment);
      byBillNo.set(billNo, payment);
      return {
        payment,
        answer: answer('createAnswer', requestId, '00', 'Success', {
          bankTransId: '',
          paymentUrl: `${pageUrl()}/pay/${encodeURIComponent(requestId)}`,
          qrData: payment.qrData,
          expireTime: toTransTime(expireAt),
        }),
      };
    },

    inquire(request: Record<string, unknown>, now = new Date()): { answer: BankAnswer; payment?: BankPayment; refused?: string } {
      const reply = (code: string, message: string) => ({ answer: answer('inquiryAnswer', request.requestId, code, message), refused: `${code} ${message}` });
      const refusal = envelopeRefusal('inquiryRequest', request, now);
      if (refusal) return reply(...refusal);
      if (!TEXT(request.queryTransactionId) || request.queryType !== '1') return reply('02', 'queryTransactionId and queryType 1 are required');
      requestIds.add(String(request.requestId));
      const payment = byRequestId.get(request.queryTransactionId);
      if (!payment) return reply('04', 'transaction not found');
      const state = currentState(payment, now);
      return {
        payment,
        answer: answer('inquiryAnswer', request.requestId, '00', 'Success', {
          queryTransactionId: payment.requestId,
          transStatus: STATE_CODES[state],
          amount: String(payment.amount),
          bankTransId: payment.bankTransId ?? '',
          payTime: payment.payTime ? toTransTime(payment.payTime) : '',
          paymentUrl: `${pageUrl()}/pay/${encodeURIComponent(payment.requestId)}`,
          qrData: payment.qrData,
          expireTime: toTransTime(payment.expireAt),
        }),
      };
    },

    /** The payer's choice on the payment page; answers the payment afterwards, or why it could not be made. */
    settle(requestId: string, action: 'pay' | 'cancel', now = new Date()): BankPayment | string {
      const payment = byRequestId.get(requestId);
      if (!payment) return 'unknown payment';
      const state = currentState(payment, now);
      if (state !== 'pending') return `the payment is ${state}`;
      if (action === 'cancel') {
        payment.state = 'failed';
        return payment;
      }
      payment.state = 'paid';
      payment.payTime = now;
      payment.bankTransId = `VTB${toTransTime(now)}${String(randomInt(1_000_000)).padStart(6, '0')}`;
      payment.transId = `NT${String(randomInt(1e9)).padStart(9, '0')}`;
      return payment;
    },

    /** The signed notice of a paid payment, as the bank posts it to the notify URL. */
    notice(payment: BankPayment): Record<string, unknown> {
      const body = {
        transId: payment.transId ?? '',
        transTime: payment.payTime ? toTransTime(payment.payTime) : '',
        custCode: payment.billNo,
        amount: String(payment.amount),
        bankTransId: payment.bankTransId ?? '',
        remark: payment.remark,
      };
      return signed('notice', body, account.bankPrivateKey, account.signatureHash);
    },

    /** True when the gateway's answer to a notice is signed by the agency. */
    verifyNoticeAnswer: (body: Record<string, unknown>) => verifyMessage('noticeAnswer', body, account.agencyPublicKey, account.signatureHash),
  };
}

export type Bank = ReturnType<typeof createBank>;
