import { HttpResponse } from 'msw';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { expectCapabilityOutput, useMswServer } from '../../core/sdk/testing.ts';
import plugin from './index.ts';
import { query } from './query.ts';
import { TRANSACTION_STATES } from './answer-codes.ts';
import { AGENCY, openTestServices, operationContext, storePayment, testConfig, type TestServices } from './test-support/fixtures.ts';
import { INQUIRY_URL, bankAnswering, inquiryAnswer } from './test-support/msw-vietinbank.ts';

// No handler unless a test adds one: a query that should answer from the store fails if it asks the bank.
const server = useMswServer();
const paymentId = 'PAY000000001';

const MINUTE = 60_000;
let services: TestServices;
/** The store's clock runs this far from now: a record written meanwhile is that old. */
let storeClockOffsetMs = 0;
beforeEach(async () => {
  storeClockOffsetMs = 0;
  services = await openTestServices({ now: () => Date.now() + storeClockOffsetMs });
});
afterEach(() => services.dispose());

describe('payment-vietinbank query', () => {
  it.each(['paid', 'failed', 'expired'])('a %s payment is answered from the store, without asking the bank', async (status) => {
    // Stored before paidAt was kept in Vietnam time (…Z): answered in the form of a new one.
    await storePayment(services, paymentId, { bankTransId: 'VTB1', paidAt: '2026-11-21T02:30:05.000Z' });
    await services.records.transition(paymentId, { from: ['pending'], to: status });
    const output = await query({ agency: AGENCY, paymentId }, operationContext(services));
    expect(output).toEqual({
      paymentId,
      status,
      amount: 150000,
      ...(status === 'paid' ? { paidAt: '2026-11-21T09:30:05+07:00', providerReference: 'VTB1' } : {}),
    });
  });

  it('a pending payment is looked up; paid at the bank, it is marked paid once, with one event', async () => {
    await storePayment(services, paymentId);
    const inquiries = bankAnswering(server, INQUIRY_URL, (request) =>
      inquiryAnswer(request, '00', { transStatus: '00', amount: '150000', bankTransId: 'VTB20261121', payTime: '20261121093005' }),
    );
    const first = await query({ agency: AGENCY, paymentId }, operationContext(services));
    const second = await query({ agency: AGENCY, paymentId }, operationContext(services));
    expect(first).toEqual({ paymentId, status: 'paid', amount: 150000, paidAt: '2026-11-21T09:30:05+07:00', providerReference: 'VTB20261121' });
    expect(second).toEqual(first);
    expectCapabilityOutput(plugin, 'query', first);
    expect(inquiries).toHaveLength(1);
    expect((await services.emitted()).map((event) => event.type)).toEqual(['payment.succeeded']);
  });

  it.each(TRANSACTION_STATES.rows.map((row) => [row.code, row.state]))('transStatus %s at the bank answers %s', async (transStatus, status) => {
    await storePayment(services, paymentId);
    bankAnswering(server, INQUIRY_URL, (request) => inquiryAnswer(request, '00', { transStatus, amount: '150000', bankTransId: 'VTB1' }));
    expect(await query({ agency: AGENCY, paymentId }, operationContext(services))).toMatchObject({ status });
    const events = await services.emitted();
    if (status === 'pending') expect(events).toEqual([]);
    else if (status === 'paid') expect(events.map((event) => event.type)).toEqual(['payment.succeeded']);
    else expect(events).toEqual([{ type: 'payment.failed', agency: AGENCY, data: expect.objectContaining({ paymentId, status }) }]);
  });

  it('paid at the bank without a bank transaction named: paid, with no providerReference rather than an empty one', async () => {
    await storePayment(services, paymentId);
    bankAnswering(server, INQUIRY_URL, (request) => inquiryAnswer(request, '00', { transStatus: '00', amount: '150000', payTime: '20261121093005' }));
    expect(await query({ agency: AGENCY, paymentId }, operationContext(services))).toEqual({ paymentId, status: 'paid', amount: 150000, paidAt: '2026-11-21T09:30:05+07:00' });
    const [event] = await services.emitted();
    expect(event?.data).not.toHaveProperty('providerReference');
  });

  it('a payment still pending at the bank within the grace after its expiry stays pending: the bank may still take the money', async () => {
    await storePayment(services, paymentId, { expiresAt: new Date(Date.now() - 9 * MINUTE).toISOString() });
    bankAnswering(server, INQUIRY_URL, (request) => inquiryAnswer(request, '00', { transStatus: '01', amount: '150000' }));
    expect(await query({ agency: AGENCY, paymentId }, operationContext(services))).toMatchObject({ status: 'pending' });
    expect(await services.emitted()).toEqual([]);
  });

  it('a payment still pending at the bank past its expiry and the grace is expired, with a payment.failed event', async () => {
    await storePayment(services, paymentId, { expiresAt: new Date(Date.now() - 11 * MINUTE).toISOString() });
    bankAnswering(server, INQUIRY_URL, (request) => inquiryAnswer(request, '00', { transStatus: '01', amount: '150000' }));
    expect(await query({ agency: AGENCY, paymentId }, operationContext(services))).toMatchObject({ status: 'expired' });
    expect(await services.emitted()).toEqual([
      { type: 'payment.failed', agency: AGENCY, data: { paymentId, dossierCode: '000.00.01.H22-261121-0001', amount: 150000, status: 'expired', reason: 'not paid before it expired' } },
    ]);
  });

  it('an unknown state is retryable UNKNOWN_STATE and changes nothing', async () => {
    await storePayment(services, paymentId);
    bankAnswering(server, INQUIRY_URL, (request) => inquiryAnswer(request, '00', { transStatus: '77', amount: '150000' }));
    await expect(query({ agency: AGENCY, paymentId }, operationContext(services))).rejects.toMatchObject({ name: 'RetryableError', code: 'UNKNOWN_STATE' });
    expect((await services.records.get(paymentId))?.status).toBe('pending');
  });

  it('a look-up answer with a bad signature is a permanent BAD_SIGNATURE and changes nothing', async () => {
    await storePayment(services, paymentId);
    bankAnswering(server, INQUIRY_URL, async (request) => {
      const answer = (await inquiryAnswer(request, '00', { transStatus: '01', amount: '150000' }).json()) as Record<string, unknown>;
      return HttpResponse.json({ ...answer, transStatus: '00' });
    });
    await expect(query({ agency: AGENCY, paymentId }, operationContext(services))).rejects.toMatchObject({ name: 'PermanentError', code: 'BAD_SIGNATURE' });
    expect((await services.records.get(paymentId))?.status).toBe('pending');
    expect(await services.emitted()).toEqual([]);
  });

  it('the bank being down is retryable; the payment stays pending', async () => {
    await storePayment(services, paymentId);
    bankAnswering(server, INQUIRY_URL, () => new HttpResponse(null, { status: 503 }));
    await expect(query({ agency: AGENCY, paymentId }, operationContext(services))).rejects.toMatchObject({ name: 'RetryableError', code: 'HTTP_503' });
  });

  it("an unknown payment, or another agency's, is NotFoundError UNKNOWN_PAYMENT (404), without asking the bank", async () => {
    await storePayment(services, paymentId);
    await expect(query({ agency: AGENCY, paymentId: 'NOPE00000000' }, operationContext(services))).rejects.toMatchObject({ name: 'NotFoundError', code: 'UNKNOWN_PAYMENT' });
    await expect(query({ agency: '000.00.02.H22', paymentId }, operationContext(services))).rejects.toMatchObject({ name: 'NotFoundError', code: 'UNKNOWN_PAYMENT' });
  });

  it('a payment the bank does not know is failed only once no create of it can still be on its way', async () => {
    const config = testConfig({ pendingCheckAfterMs: 0, timeoutMs: 6_000 });
    storeClockOffsetMs = -10 * MINUTE;
    await storePayment(services, 'OLDPAYMENT01');
    storeClockOffsetMs = 0;
    await storePayment(services, 'NEWPAYMENT01');
    bankAnswering(server, INQUIRY_URL, (request) => inquiryAnswer(request, '04'));
    expect(await query({ agency: AGENCY, paymentId: 'NEWPAYMENT01' }, operationContext(services, { config }))).toMatchObject({ status: 'pending' });
    expect(await query({ agency: AGENCY, paymentId: 'OLDPAYMENT01' }, operationContext(services, { config }))).toMatchObject({ status: 'failed' });
    expect((await services.emitted()).map((event) => [event.type, event.data.paymentId, event.data.status])).toEqual([['payment.failed', 'OLDPAYMENT01', 'failed']]);
  });
});
