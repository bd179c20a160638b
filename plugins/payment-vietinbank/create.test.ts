import { delay, HttpResponse } from 'msw';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PermanentError, RetryableError } from '../../core/sdk/index.ts';
import { expectCapabilityOutput, useMswServer } from '../../core/sdk/testing.ts';
import { requestIdOf } from './client.ts';
import { create } from './create.ts';
import { ANSWER_CODES, mayHaveReachedBank } from './answer-codes.ts';
import plugin from './index.ts';
import { AGENCY, openTestServices, operationContext, testConfig, type TestServices } from './test-support/fixtures.ts';
import { CREATE_URL, INQUIRY_URL, bankAnswering, createAnswer, inquiryAnswer } from './test-support/msw-vietinbank.ts';

const server = useMswServer();
const input = { agency: AGENCY, dossierCode: '000.00.01.H22-261121-0001', amount: 150000, description: 'Lệ phí hồ sơ' };
const paymentId = requestIdOf('msg_01PAYMENT');

let services: TestServices;
beforeEach(async () => {
  services = await openTestServices();
});
afterEach(() => services.dispose());

describe('payment-vietinbank create', () => {
  it('stores the payment pending, registers it with the callback URL as notifyUrl, and answers the page and QR', async () => {
    const sent = bankAnswering(server, CREATE_URL, (request) => createAnswer(request));
    const output = await create({ ...input, returnUrl: 'https://motcua.test/xong' }, operationContext(services));

    expect(output).toEqual({ paymentId, paymentUrl: `https://pay.vietinbank.test/pay/${paymentId}`, qr: '000201QR', expiresAt: expect.any(String) });
    expectCapabilityOutput(plugin, 'create', output);
    expect(Date.parse(output.expiresAt) - Date.now()).toBeGreaterThan(29 * 60_000);
    expect(sent[0]?.json).toMatchObject({ requestId: paymentId, billNo: paymentId, notifyUrl: services.callbackUrl, returnUrl: 'https://motcua.test/xong' });
    const record = await services.records.get(paymentId);
    expect(record).toMatchObject({ status: 'pending', data: { requestId: paymentId, amount: 150000, agency: AGENCY, dossierCode: input.dossierCode, expiresAt: output.expiresAt } });
    expect(await services.emitted()).toEqual([]);
  });

  it("sends the instance's notifyUrl instead when the bank registers a fixed one", async () => {
    const sent = bankAnswering(server, CREATE_URL, (request) => createAnswer(request));
    await create(input, operationContext(services, { config: testConfig({ notifyUrl: 'https://lienthong.hue.gov.vn/v1/callbacks/vtb' }) }));
    expect(sent[0]?.json).toMatchObject({ notifyUrl: 'https://lienthong.hue.gov.vn/v1/callbacks/vtb', returnUrl: '' });
  });

  it.each(['05', '07'])('a duplicate code %s leads to an inquiry of the same requestId, never to a second create', async (code) => {
    const creates = bankAnswering(server, CREATE_URL, (request) => createAnswer(request, code));
    const inquiries = bankAnswering(server, INQUIRY_URL, (request) => inquiryAnswer(request, '00', { transStatus: '01', amount: '150000' }));
    const output = await create(input, operationContext(services));
    expect(output).toMatchObject({ paymentId, paymentUrl: `https://pay.vietinbank.test/pay/${paymentId}`, qr: '000201QR' });
    expect(creates).toHaveLength(1);
    expect(inquiries.map((sent) => sent.json.queryTransactionId)).toEqual([paymentId]);
    expect((await services.records.get(paymentId))?.status).toBe('pending');
  });

  it('a timeout leads to an inquiry: the payment registered before the answer was lost is answered', async () => {
    const creates = bankAnswering(server, CREATE_URL, async () => {
      await delay(2_000);
      return new HttpResponse(null, { status: 504 });
    });
    const inquiries = bankAnswering(server, INQUIRY_URL, (request) => inquiryAnswer(request, '00', { transStatus: '01', amount: '150000' }));
    const output = await create(input, operationContext(services, { config: testConfig({ timeoutMs: 100 }) }));
    expect(output.paymentUrl).toBe(`https://pay.vietinbank.test/pay/${paymentId}`);
    expect(creates).toHaveLength(1);
    expect(inquiries).toHaveLength(1);
  });

  it('a timeout when the bank has no such payment is retryable, and the payment stays pending for the reconciliation', async () => {
    bankAnswering(server, CREATE_URL, () => HttpResponse.error());
    bankAnswering(server, INQUIRY_URL, (request) => inquiryAnswer(request, '04'));
    await expect(create(input, operationContext(services))).rejects.toBeInstanceOf(RetryableError);
    expect((await services.records.get(paymentId))?.status).toBe('pending');
  });

  it('a timeout whose inquiry fails too is retryable UNCONFIRMED', async () => {
    bankAnswering(server, CREATE_URL, () => new HttpResponse(null, { status: 502 }));
    bankAnswering(server, INQUIRY_URL, () => new HttpResponse(null, { status: 503 }));
    await expect(create(input, operationContext(services))).rejects.toMatchObject({ name: 'RetryableError', code: 'UNCONFIRMED' });
  });

  it('a duplicate whose payment has another amount at the bank is permanent: the requestId belongs to another payment', async () => {
    bankAnswering(server, CREATE_URL, (request) => createAnswer(request, '07'));
    bankAnswering(server, INQUIRY_URL, (request) => inquiryAnswer(request, '00', { transStatus: '01', amount: '99000' }));
    await expect(create(input, operationContext(services))).rejects.toMatchObject({ name: 'PermanentError', code: 'AMOUNT_MISMATCH' });
    // Closed without an event (the caller hears it now), so the reconciliation does not ask about it forever.
    expect((await services.records.get(paymentId))?.status).toBe('failed');
    expect(await services.emitted()).toEqual([]);
  });

  it('a duplicate code the bank cannot back up with the payment is a permanent refusal, and closes the payment', async () => {
    const creates = bankAnswering(server, CREATE_URL, (request) => createAnswer(request, '07'));
    bankAnswering(server, INQUIRY_URL, (request) => inquiryAnswer(request, '04'));
    await expect(create(input, operationContext(services))).rejects.toMatchObject({ name: 'PermanentError', code: '07' });
    expect(creates).toHaveLength(1);
    expect((await services.records.get(paymentId))?.status).toBe('failed');
    expect(await services.emitted()).toEqual([]);
  });

  it('a duplicate whose payment the bank already paid is answered, and the payment is marked paid with its event', async () => {
    bankAnswering(server, CREATE_URL, (request) => createAnswer(request, '05'));
    bankAnswering(server, INQUIRY_URL, (request) => inquiryAnswer(request, '00', { transStatus: '00', amount: '150000', bankTransId: 'VTB1', payTime: '20261121093005' }));
    await create(input, operationContext(services));
    expect((await services.records.get(paymentId))?.status).toBe('paid');
    expect(await services.emitted()).toEqual([
      { type: 'payment.succeeded', agency: AGENCY, data: { paymentId, dossierCode: input.dossierCode, amount: 150000, paidAt: '2026-11-21T09:30:05+07:00', providerReference: 'VTB1' } },
    ]);
  });

  it('a create repeated with the same messageId (same Idempotency-Key) reaches the bank with the same requestId and ends in the first payment', async () => {
    // The bank: registers each requestId once and answers a repeat 07. Its answer to the first is lost (502), and so
    // is the look-up after it (503), so the first call ends retryable and the one-stop software repeats it.
    const registered = new Set<string>();
    let inquiriesFailing = 1;
    const creates = bankAnswering(server, CREATE_URL, (request) => {
      const requestId = String(request.requestId);
      if (registered.has(requestId)) return createAnswer(request, '07');
      registered.add(requestId);
      return new HttpResponse(null, { status: 502 });
    });
    const inquiries = bankAnswering(server, INQUIRY_URL, (request) => {
      if (inquiriesFailing-- > 0) return new HttpResponse(null, { status: 503 });
      return registered.has(String(request.queryTransactionId)) ? inquiryAnswer(request, '00', { transStatus: '01', amount: '150000' }) : inquiryAnswer(request, '04');
    });
    await expect(create(input, operationContext(services))).rejects.toMatchObject({ name: 'RetryableError', code: 'UNCONFIRMED' });

    const repeated = await create(input, operationContext(services));
    expect(repeated).toMatchObject({ paymentId, paymentUrl: `https://pay.vietinbank.test/pay/${paymentId}` });
    expect(creates.map((sent) => [sent.json.requestId, sent.json.billNo])).toEqual([
      [paymentId, paymentId],
      [paymentId, paymentId],
    ]);
    expect(inquiries.map((sent) => sent.json.queryTransactionId)).toEqual([paymentId, paymentId]);
    expect([...registered]).toEqual([paymentId]);
    expect((await services.records.list({ status: 'pending' })).map((record) => record.key)).toEqual([paymentId]);
    expect(await services.emitted()).toEqual([]);
  });

  it('a create refused with "try again" (09) and repeated with the same messageId reopens the payment it closed', async () => {
    let busy = true;
    const creates = bankAnswering(server, CREATE_URL, (request) => (busy ? createAnswer(request, '09') : createAnswer(request)));
    await expect(create(input, operationContext(services))).rejects.toMatchObject({ name: 'RetryableError', code: '09' });
    expect(await services.records.get(paymentId)).toMatchObject({ status: 'failed', data: { retryableRefusal: true } });
    busy = false;
    expect(await create(input, operationContext(services))).toMatchObject({ paymentId, paymentUrl: `https://pay.vietinbank.test/pay/${paymentId}` });
    expect(creates.map((sent) => sent.json.requestId)).toEqual([paymentId, paymentId]);
    const record = await services.records.get(paymentId);
    expect(record?.status).toBe('pending');
    expect(record?.data).not.toHaveProperty('retryableRefusal');
  });

  it('a create refused for good stays closed when repeated with the same messageId', async () => {
    bankAnswering(server, CREATE_URL, (request) => createAnswer(request, '06'));
    await expect(create(input, operationContext(services))).rejects.toMatchObject({ name: 'PermanentError', code: '06' });
    await expect(create(input, operationContext(services))).rejects.toMatchObject({ name: 'PermanentError', code: '06' });
    expect((await services.records.get(paymentId))?.status).toBe('failed');
  });

  it('a success without a payment URL is retryable MALFORMED_ANSWER', async () => {
    bankAnswering(server, CREATE_URL, (request) => createAnswer(request, '00', { paymentUrl: undefined }));
    await expect(create(input, operationContext(services))).rejects.toMatchObject({ name: 'RetryableError', code: 'MALFORMED_ANSWER' });
  });

  it.each([
    ['ECONNREFUSED', false],
    ['ENOTFOUND', false],
    ['ABORTED', false],
    ['ETIMEDOUT', true],
    ['ECONNRESET', true],
    ['HTTP_502', true],
    ['MALFORMED_ANSWER', true],
  ])('after a retryable %s the bank may have the request: %s (a look-up decides)', (code, reached) => {
    expect(mayHaveReachedBank(new RetryableError('x', { code }))).toBe(reached);
    expect(mayHaveReachedBank(new PermanentError('x', { code }))).toBe(false);
  });
});

/** What each row of the results table does to a create; 00, 05 and 07 are tested above with their effects. */
const expectations: Record<string, { verdict: 'success' | 'duplicate' | 'permanent' | 'retryable' }> = {
  '00': { verdict: 'success' },
  '01': { verdict: 'permanent' },
  '02': { verdict: 'permanent' },
  '03': { verdict: 'permanent' },
  // "Not found" answers an inquiry; to a create it is a refusal.
  '04': { verdict: 'permanent' },
  '05': { verdict: 'duplicate' },
  '06': { verdict: 'permanent' },
  '07': { verdict: 'duplicate' },
  '08': { verdict: 'retryable' },
  '09': { verdict: 'retryable' },
  '99': { verdict: 'retryable' },
};

describe('payment-vietinbank results table, every row through create', () => {
  it('has exactly the rows tested here', () => {
    expect(ANSWER_CODES.rows.map((row) => row.code).sort()).toEqual(Object.keys(expectations).sort());
  });

  it.each(ANSWER_CODES.rows.map((row) => [row.code, row] as const))('code %s', async (code, row) => {
    const creates = bankAnswering(server, CREATE_URL, (request) => createAnswer(request, code, { status: { code, message: `bank says ${code}` } }));
    const inquiries = bankAnswering(server, INQUIRY_URL, (request) => inquiryAnswer(request, '00', { transStatus: '01', amount: '150000' }));
    const expected = expectations[code]?.verdict;
    const outcome = await create(input, operationContext(services)).then(
      () => 'success' as const,
      (error: unknown) => error,
    );
    expect(creates).toHaveLength(1);
    if (expected === 'success' || expected === 'duplicate') {
      expect(outcome).toBe('success');
      expect(inquiries).toHaveLength(expected === 'duplicate' ? 1 : 0);
      expect((await services.records.get(paymentId))?.status).toBe('pending');
      return;
    }
    expect(inquiries).toHaveLength(0);
    expect(outcome).toBeInstanceOf(expected === 'permanent' ? PermanentError : RetryableError);
    expect(outcome).toMatchObject({ code, message: expect.stringContaining(row.meaning) });
    expect((outcome as Error).message).toContain(`bank says ${code}`);
    // The bank did not register it and the caller hears it now: the payment is closed, without an event.
    expect((await services.records.get(paymentId))?.status).toBe('failed');
    expect(await services.emitted()).toEqual([]);
  });

  it('a code outside the table is retryable UNKNOWN_RESULT', async () => {
    bankAnswering(server, CREATE_URL, (request) => createAnswer(request, '42'));
    await expect(create(input, operationContext(services))).rejects.toMatchObject({ name: 'RetryableError', code: 'UNKNOWN_RESULT' });
    // An unknown answer says nothing sure: the payment stays pending for the reconciliation task.
    expect((await services.records.get(paymentId))?.status).toBe('pending');
  });
});
