import { createVerify } from 'node:crypto';
import { HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { PermanentError, RetryableError } from '../../core/sdk/index.ts';
import { useMswServer } from '../../core/sdk/testing.ts';
import { createPayment, inquire, requestIdOf, type BankCall } from './client.ts';
import { verifyMessage } from './signature.ts';
import { account, bankSigned, http, testConfig } from './test-support/fixtures.ts';
import { CREATE_URL, INQUIRY_URL, bankAnswering, createAnswer, inquiryAnswer } from './test-support/msw-vietinbank.ts';
import { toTransTime } from './vietnam-time.ts';

const server = useMswServer();
const now = new Date('2026-11-21T02:30:05Z');
const call = (overrides: Record<string, unknown> = {}): BankCall => ({ config: testConfig(overrides), http: http(), signal: new AbortController().signal });
const fields = {
  requestId: 'K3M9Q2T7VX4B',
  amount: 150000,
  billNo: 'K3M9Q2T7VX4B',
  remark: 'Lệ phí cấp giấy phép xây dựng',
  expireTime: '20261121100005',
  notifyUrl: 'http://127.0.0.1:8080/v1/callbacks/vtb-hue',
  returnUrl: 'https://motcua.hue.gov.vn/thanh-toan/xong',
};

describe('payment-vietinbank client: what is sent', () => {
  it('POSTs the create request as signed JSON, with the API gateway headers, the fixed fields and transTime in Vietnam time', async () => {
    const sent = bankAnswering(server, CREATE_URL, (request) => createAnswer(request));
    await createPayment(call(), fields, now);

    expect(sent).toHaveLength(1);
    const [request] = sent;
    expect(request?.headers.get('content-type')).toBe('application/json');
    expect(request?.headers.get('x-ibm-client-id')).toBe(account().clientId);
    expect(request?.headers.get('x-ibm-client-secret')).toBe(account().clientSecret);
    const { signature, ...body } = request?.json ?? {};
    expect(body).toEqual({
      requestId: 'K3M9Q2T7VX4B',
      providerId: 'LIENTHONG',
      merchantId: 'SANDBOX_H22',
      channel: 'WEB',
      version: '1.0',
      language: 'vi',
      transTime: '20261121093005',
      amount: '150000',
      currencyCode: 'VND',
      clientIP: '127.0.0.1',
      payMethod: 'ALL',
      goodsType: 'PUBLIC_FEE',
      billNo: 'K3M9Q2T7VX4B',
      remark: 'Lệ phí cấp giấy phép xây dựng',
      expireTime: '20261121100005',
      notifyUrl: 'http://127.0.0.1:8080/v1/callbacks/vtb-hue',
      returnUrl: 'https://motcua.hue.gov.vn/thanh-toan/xong',
    });
    // The bytes: the JSON as sent, and a signature over exactly this concatenation.
    expect(request?.text).toBe(JSON.stringify({ ...body, signature }));
    const text =
      'K3M9Q2T7VX4B150000VND20261121093005127.0.0.1ALLPUBLIC_FEEK3M9Q2T7VX4BLệ phí cấp giấy phép xây dựng20261121100005' +
      'http://127.0.0.1:8080/v1/callbacks/vtb-huehttps://motcua.hue.gov.vn/thanh-toan/xongLIENTHONGSANDBOX_H22WEB1.0vi';
    expect(verifyMessage('createRequest', request?.json ?? {}, account().agencyPublicKey, 'sha256')).toBe(true);
    expect(createVerify('sha256').update(text, 'utf8').verify(account().agencyPublicKey, String(signature), 'base64')).toBe(true);
  });

  it('POSTs the inquiry signed over queryTransactionId + queryType + providerId + merchantId + channel + version + language', async () => {
    const sent = bankAnswering(server, INQUIRY_URL, (request) => inquiryAnswer(request, '04'));
    await inquire(call(), 'K3M9Q2T7VX4B', now);
    const { signature, requestId, ...body } = sent[0]?.json ?? {};
    expect(body).toEqual({
      providerId: 'LIENTHONG', merchantId: 'SANDBOX_H22', channel: 'WEB', version: '1.0', language: 'vi',
      transTime: '20261121093005', queryTransactionId: 'K3M9Q2T7VX4B', queryType: '1',
    });
    expect(String(requestId)).toMatch(/^[0-9A-Z]{12}$/);
    expect(sent[0]?.headers.get('x-ibm-client-secret')).toBe(account().clientSecret);
    expect(createVerify('sha256').update('K3M9Q2T7VX4B1LIENTHONGSANDBOX_H22WEB1.0vi').verify(account().agencyPublicKey, String(signature), 'base64')).toBe(true);
  });

  it('signs with SHA1withRSA when the instance says so, and with the configured fixed fields', async () => {
    const sent = bankAnswering(server, INQUIRY_URL, (request) => HttpResponse.json({ ...request, status: { code: '04' } }));
    // The echo carries the agency's signature, not the bank's: refused, but what was sent is what counts here.
    await expect(inquire(call({ signatureHash: 'sha1', channel: 'API', language: 'en' }), 'K3M9Q2T7VX4B', now)).rejects.toMatchObject({ code: 'BAD_SIGNATURE' });
    expect(createVerify('sha1').update('K3M9Q2T7VX4B1LIENTHONGSANDBOX_H22API1.0en').verify(account().agencyPublicKey, String(sent[0]?.json.signature), 'base64')).toBe(true);
  });

  it('derives a 12-character requestId from the message id, the same on every try', () => {
    expect(requestIdOf('msg_01A')).toMatch(/^[0-9A-Z]{12}$/);
    expect(requestIdOf('msg_01A')).toBe(requestIdOf('msg_01A'));
    expect(requestIdOf('msg_01A')).not.toBe(requestIdOf('msg_01B'));
  });
});

describe('payment-vietinbank client: what is accepted back', () => {
  it('an answer signed by anyone but the bank is a permanent BAD_SIGNATURE', async () => {
    bankAnswering(server, CREATE_URL, (request) => {
      const answer = bankSigned('createAnswer', { requestId: request.requestId, providerId: 'LIENTHONG', merchantId: 'SANDBOX_H22', status: { code: '00' }, paymentUrl: 'https://pay.test/1' });
      return HttpResponse.json({ ...answer, paymentUrl: 'https://phishing.test/1' });
    });
    const answered = createPayment(call(), fields, now);
    await expect(answered).rejects.toBeInstanceOf(PermanentError);
    await expect(answered).rejects.toMatchObject({ code: 'BAD_SIGNATURE' });
  });

  it('a signed answer to another requestId is a permanent ANSWER_MISMATCH', async () => {
    bankAnswering(server, CREATE_URL, (request) => createAnswer({ ...request, requestId: 'OTHER0000000' }));
    await expect(createPayment(call(), fields, now)).rejects.toMatchObject({ name: 'PermanentError', code: 'ANSWER_MISMATCH' });
  });

  it.each([
    ['not JSON', () => new HttpResponse('<html>gateway</html>', { status: 200 })],
    ['JSON without status', () => HttpResponse.json({ requestId: 'K3M9Q2T7VX4B' })],
  ])('a 200 with %s is a retryable MALFORMED_ANSWER', async (_, answer) => {
    bankAnswering(server, CREATE_URL, answer);
    await expect(createPayment(call(), fields, now)).rejects.toMatchObject({ name: 'RetryableError', code: 'MALFORMED_ANSWER' });
  });

  it.each([
    [503, RetryableError],
    [429, RetryableError],
    [401, PermanentError],
    [400, PermanentError],
  ])('HTTP %i from the API gateway is %o', async (status, ErrorClass) => {
    bankAnswering(server, CREATE_URL, () => HttpResponse.json({ httpCode: String(status) }, { status }));
    const answered = createPayment(call(), fields, now);
    await expect(answered).rejects.toBeInstanceOf(ErrorClass);
    await expect(answered).rejects.toMatchObject({ code: `HTTP_${status}`, message: expect.not.stringContaining(account().clientSecret) });
  });

  it('writes transTime of the current moment when none is given', async () => {
    const sent = bankAnswering(server, CREATE_URL, (request) => createAnswer(request));
    const before = toTransTime(new Date());
    await createPayment(call(), fields);
    expect(String(sent[0]?.json.transTime) >= before).toBe(true);
  });
});
