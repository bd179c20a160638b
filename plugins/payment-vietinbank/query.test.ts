import { HttpResponse } from 'msw';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useMswServer } from '../../tests/support/msw.ts';
import { query } from './query.ts';
import { TRANSACTION_STATES } from './results.ts';
import { AGENCY, openTestServices, operationContext, storePayment, type TestServices } from './test-support/fixtures.ts';
import { INQUIRY_URL, bankAnswering, failure, inquiryAnswer } from './test-support/msw-vietinbank.ts';

// No handler unless a test adds one: a query that should answer from the store fails if it asks the bank.
const server = useMswServer();
const paymentId = 'PAY000000001';

let services: TestServices;
beforeEach(async () => {
  services = await openTestServices();
});
afterEach(() => services.dispose());

describe('payment-vietinbank query', () => {
  it.each(['paid', 'failed', 'expired'])('a %s payment is answered from the store, without asking the bank', async (status) => {
    await storePayment(services, paymentId, { bankTransId: 'VTB1', paidAt: '2026-11-21T02:30:05.000Z' });
    await services.records.transition(paymentId, { from: ['pending'], to: status });
    const output = await query({ agency: AGENCY, paymentId }, operationContext(services));
    expect(output).toEqual({
      paymentId,
      status,
      amount: 150000,
      ...(status === 'paid' ? { paidAt: '2026-11-21T02:30:05.000Z', providerReference: 'VTB1' } : {}),
    });
  });

  it('a pending payment is looked up; paid at the bank, it is marked paid once, with one event', async () => {
    await storePayment(services, paymentId);
    const inquiries = bankAnswering(server, INQUIRY_URL, (request) =>
      inquiryAnswer(request, '00', { transStatus: '00', amount: '150000', bankTransId: 'VTB20261121', payTime: '20261121093005' }),
    );
    const first = await query({ agency: AGENCY, paymentId }, operationContext(services));
    const second = await query({ agency: AGENCY, paymentId }, operationContext(services));
    expect(first).toEqual({ paymentId, status: 'paid', amount: 150000, paidAt: '2026-11-21T02:30:05.000Z', providerReference: 'VTB20261121' });
    expect(second).toEqual(first);
    expect(inquiries).toHaveLength(1);
    expect((await services.emitted()).map((event) => event.type)).toEqual(['payment.succeeded']);
  });

  it.each(Object.entries(TRANSACTION_STATES))('transStatus %s at the bank answers %s', async (transStatus, status) => {
    await storePayment(services, paymentId);
    bankAnswering(server, INQUIRY_URL, (request) => inquiryAnswer(request, '00', { transStatus, amount: '150000', bankTransId: 'VTB1' }));
    expect(await query({ agency: AGENCY, paymentId }, operationContext(services))).toMatchObject({ status });
    const events = await services.emitted();
    if (status === 'pending') expect(events).toEqual([]);
    else if (status === 'paid') expect(events.map((event) => event.type)).toEqual(['payment.succeeded']);
    else expect(events).toEqual([{ type: 'payment.failed', agency: AGENCY, data: expect.objectContaining({ paymentId, status }) }]);
  });

  it('a payment still pending at the bank after its expiry is expired, with a payment.failed event', async () => {
    await storePayment(services, paymentId, { expiresAt: new Date(Date.now() - 1000).toISOString() });
    bankAnswering(server, INQUIRY_URL, (request) => inquiryAnswer(request, '00', { transStatus: '01', amount: '150000' }));
    expect(await query({ agency: AGENCY, paymentId }, operationContext(services))).toMatchObject({ status: 'expired' });
    expect(await services.emitted()).toEqual([
      { type: 'payment.failed', agency: AGENCY, data: { paymentId, dossierCode: '000.00.01.H22-261121-0001', amount: 150000, status: 'expired', reason: 'not paid before it expired' } },
    ]);
  });

  it('an unknown state is retryable UNKNOWN_STATE and changes nothing', async () => {
    await storePayment(services, paymentId);
    bankAnswering(server, INQUIRY_URL, (request) => inquiryAnswer(request, '00', { transStatus: '77', amount: '150000' }));
    expect(await failure(query({ agency: AGENCY, paymentId }, operationContext(services)))).toMatchObject({ name: 'RetryableError', code: 'UNKNOWN_STATE' });
    expect((await services.records.get(paymentId))?.status).toBe('pending');
  });

  it('a look-up answer with a bad signature is a permanent BAD_SIGNATURE and changes nothing', async () => {
    await storePayment(services, paymentId);
    bankAnswering(server, INQUIRY_URL, async (request) => {
      const answer = (await inquiryAnswer(request, '00', { transStatus: '01', amount: '150000' }).json()) as Record<string, unknown>;
      return HttpResponse.json({ ...answer, transStatus: '00' });
    });
    expect(await failure(query({ agency: AGENCY, paymentId }, operationContext(services)))).toMatchObject({ name: 'PermanentError', code: 'BAD_SIGNATURE' });
    expect((await services.records.get(paymentId))?.status).toBe('pending');
    expect(await services.emitted()).toEqual([]);
  });

  it('the bank being down is retryable; the payment stays pending', async () => {
    await storePayment(services, paymentId);
    bankAnswering(server, INQUIRY_URL, () => new HttpResponse(null, { status: 503 }));
    expect(await failure(query({ agency: AGENCY, paymentId }, operationContext(services)))).toMatchObject({ name: 'RetryableError', code: 'HTTP_503' });
  });

  it("an unknown payment, or another agency's, is a permanent UNKNOWN_PAYMENT", async () => {
    await storePayment(services, paymentId);
    expect(await failure(query({ agency: AGENCY, paymentId: 'NOPE00000000' }, operationContext(services)))).toMatchObject({ code: 'UNKNOWN_PAYMENT' });
    expect(await failure(query({ agency: '000.00.02.H22', paymentId }, operationContext(services)))).toMatchObject({ code: 'UNKNOWN_PAYMENT' });
  });
});
