import { createHash } from 'node:crypto';
import { HttpResponse } from 'msw';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { NotFoundError, PermanentError, RetryableError } from '../../core/sdk/index.ts';
import { expectCapabilityOutput, useMswServer } from '../../core/sdk/testing.ts';
import type { TestServices } from '../../core/sdk/testing.ts';
import type { PaymentData } from './payment-record.ts';
import plugin from './index.ts';
import { run } from './query.ts';
import { ANSWER_CODES } from './answer-codes.ts';
import { agency, context, createInput, failure, json, platformAnswering, queryUrl, secretText } from './test-support/msw-paygov.ts';
import { deliverResult, PAYMENT_ID, resultNotice } from './test-support/result-notice.ts';
import { audited, useTestServices } from './test-support/services.ts';

const server = useMswServer();
const openServices = useTestServices();
const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const data: PaymentData = { agency, dossierCode: createInput.dossierCode, amount: 50_000, transactionTime: '20261121093000', expiresAt: '2026-11-21T02:45:00.000Z' };

/** A context whose records hold one payment in `status`, and the services behind it. */
async function withPayment(status = 'pending', configOverrides = {}) {
  const services = await openServices();
  const ctx = context(services, {}, configOverrides);
  await ctx.records.create(PAYMENT_ID, 'pending', data);
  if (status !== 'pending') await ctx.records.transition(PAYMENT_ID, { from: ['pending'], to: status, data: status === 'paid' ? { providerReference: 'GD1', paidAt: '2026-11-21T09:31:00+07:00' } : {} });
  return { ctx, services };
}

/** Nothing moved and nothing was queued: the payment is as withPayment() left it. */
async function expectUnchanged(services: TestServices) {
  expect(await audited(services, 'record.transition')).toEqual([]);
  expect((await services.records.get(PAYMENT_ID))?.status).toBe('pending');
  expect(await services.emitted()).toEqual([]);
}

const state = (trangThaiGD: string, extra: Record<string, unknown> = {}) =>
  json({ MaLoi: '00', MaThamChieu: PAYMENT_ID, TrangThaiGD: trangThaiGD, SoTien: '50000', MaGiaoDich: 'GD20261121001', ThoiGianGD: '20261121093145', ...extra });

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date('2026-11-21T02:35:00Z'));
});
afterEach(() => vi.useRealTimers());

describe('payment-paygov query', () => {
  it('sends QUERY with the INIT time, signed over its five fields', async () => {
    const sent = platformAnswering(server, queryUrl, () => state('3'));
    const { ctx, services } = await withPayment();
    expect(await run({ agency, paymentId: PAYMENT_ID }, ctx)).toEqual({ paymentId: PAYMENT_ID, status: 'pending', amount: 50_000 });
    expect(sent[0]?.text).toBe(
      JSON.stringify({
        LoaiBanTin: 'QUERY',
        PhienBan: '1.0.6',
        MaDoiTac: 'UBND_TTHUE',
        MaThamChieu: PAYMENT_ID,
        ThoiGianGD: '20261121093000',
        MaXacThuc: sha256(`QUERY|1.0.6|UBND_TTHUE|${PAYMENT_ID}|20261121093000|${secretText}`),
      }),
    );
    await expectUnchanged(services);
  });

  it('sends the time of the query when the instance says so', async () => {
    const sent = platformAnswering(server, queryUrl, () => state('3'));
    await run({ agency, paymentId: PAYMENT_ID }, (await withPayment('pending', { queryTime: 'now' })).ctx);
    expect(JSON.parse(sent[0]?.text ?? '{}')).toMatchObject({ ThoiGianGD: '20261121093500' });
  });

  it('TrangThaiGD 1 marks the payment paid once, with payment.succeeded', async () => {
    platformAnswering(server, queryUrl, () => state('1'));
    const { ctx, services } = await withPayment();
    const expected = { paymentId: PAYMENT_ID, status: 'paid', amount: 50_000, providerReference: 'GD20261121001', paidAt: '2026-11-21T09:31:45+07:00' };
    const paid = await run({ agency, paymentId: PAYMENT_ID }, ctx);
    expect(paid).toEqual(expected);
    expectCapabilityOutput(plugin, 'query', paid);
    // Final now: answered from the record, without a call (msw would fail an unexpected one after the reset).
    server.resetHandlers();
    expect(await run({ agency, paymentId: PAYMENT_ID }, ctx)).toEqual(expected);
    expect(await audited(services, 'record.transition')).toEqual([{ key: PAYMENT_ID, from: 'pending', to: 'paid' }]);
    expect(await services.records.get(PAYMENT_ID)).toMatchObject({ status: 'paid', data: { providerReference: 'GD20261121001', paidAt: expected.paidAt } });
    expect(await services.emitted()).toEqual([
      { type: 'payment.succeeded', agency, data: { paymentId: PAYMENT_ID, dossierCode: createInput.dossierCode, amount: 50_000, providerReference: 'GD20261121001', paidAt: '2026-11-21T09:31:45+07:00' } },
    ]);
  });

  it('TrangThaiGD 4 marks the payment failed, with payment.failed', async () => {
    platformAnswering(server, queryUrl, () => state('4', { MaGiaoDich: '' }));
    const { ctx, services } = await withPayment();
    expect((await run({ agency, paymentId: PAYMENT_ID }, ctx)).status).toBe('failed');
    expect(await audited(services, 'record.transition')).toEqual([{ key: PAYMENT_ID, from: 'pending', to: 'failed' }]);
    expect(await services.records.get(PAYMENT_ID)).toMatchObject({ status: 'failed', data: { failureCode: 'TRANGTHAIGD_4' } });
    expect(await services.emitted()).toEqual([
      { type: 'payment.failed', agency, data: { paymentId: PAYMENT_ID, dossierCode: createInput.dossierCode, amount: 50_000, status: 'failed', code: 'TRANGTHAIGD_4' } },
    ]);
  });

  for (const row of ANSWER_CODES.rows) {
    if (row.field !== 'TrangThaiGD') continue;
    it(`TrangThaiGD ${row.code} (as a number too) answers ${row.state}`, async () => {
      platformAnswering(server, queryUrl, () => state(row.code, { TrangThaiGD: Number(row.code), SoTien: 50000 }));
      const { ctx, services } = await withPayment();
      expect((await run({ agency, paymentId: PAYMENT_ID }, ctx)).status).toBe(row.state);
      expect((await services.records.get(PAYMENT_ID))?.status).toBe(row.state);
      expect(await services.emitted()).toHaveLength(row.state === 'pending' ? 0 : 1);
    });
  }

  it('an unknown TrangThaiGD leaves the payment pending', async () => {
    platformAnswering(server, queryUrl, () => state('2'));
    const { ctx, services } = await withPayment();
    expect((await run({ agency, paymentId: PAYMENT_ID }, ctx)).status).toBe('pending');
    await expectUnchanged(services);
  });

  it.each(['paid', 'failed', 'expired'])('a %s payment is answered from its record, without a call', async (status) => {
    const { ctx } = await withPayment(status);
    expect((await run({ agency, paymentId: PAYMENT_ID }, ctx)).status).toBe(status);
  });

  it('a QUERY answer and the result callback racing apply the payment once', async () => {
    platformAnswering(server, queryUrl, () => state('1'));
    const { ctx, services } = await withPayment();
    const [queried, notified] = await Promise.all([run({ agency, paymentId: PAYMENT_ID }, ctx), deliverResult(services, resultNotice())]);
    expect(queried.status).toBe('paid');
    expect(notified).toMatchObject({ accepted: true, answer: { MaLoi: '00' } });
    expect(await audited(services, 'record.transition')).toEqual([{ key: PAYMENT_ID, from: 'pending', to: 'paid' }]);
    expect((await services.emitted()).map((event) => event.type)).toEqual(['payment.succeeded']);
  });

  it.each([
    ['another amount', { SoTien: '5000' }],
    ['another currency', { MaTienTe: 'USD' }],
  ])('a paid answer with %s changes nothing and is refused', async (_, change) => {
    platformAnswering(server, queryUrl, () => state('1', change));
    const { ctx, services } = await withPayment();
    const error = await failure(run({ agency, paymentId: PAYMENT_ID }, ctx));
    expect(error).toBeInstanceOf(PermanentError);
    expect(error).toMatchObject({ code: 'AMOUNT_MISMATCH' });
    await expectUnchanged(services);
  });

  it('an answer about another transaction is refused', async () => {
    platformAnswering(server, queryUrl, () => state('1', { MaThamChieu: 'PG-OTHER' }));
    const { ctx, services } = await withPayment();
    expect(await failure(run({ agency, paymentId: PAYMENT_ID }, ctx))).toMatchObject({ code: 'MISMATCHED_ANSWER' });
    await expectUnchanged(services);
  });

  it.each([
    ['an unknown payment', 'PG-NOPE', agency],
    ["another agency's payment", PAYMENT_ID, '000.00.01.H22'],
  ])('%s is not found, in the same words, and nothing is asked of the platform', async (_, paymentId, asAgency) => {
    const { ctx, services } = await withPayment();
    const error = await failure(run({ agency: asAgency, paymentId }, ctx));
    // NotFoundError: the sync call answers 404.
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ code: 'UNKNOWN_PAYMENT', message: `no payment ${paymentId} for this agency` });
    await expectUnchanged(services);
  });

  const refusals = ANSWER_CODES.rows.filter((row) => row.field === 'MaLoi' && row.verdict !== 'ok');
  it.each(refusals.map((row) => [row.code, row.field === 'MaLoi' ? row.verdict : '']))('MaLoi %s is %s and changes nothing', async (code, verdict) => {
    platformAnswering(server, queryUrl, () => json({ MaLoi: code }));
    const { ctx, services } = await withPayment();
    const error = await failure(run({ agency, paymentId: PAYMENT_ID }, ctx));
    expect(error).toBeInstanceOf(verdict === 'permanent' ? PermanentError : RetryableError);
    expect(error).not.toBeInstanceOf(NotFoundError);
    await expectUnchanged(services);
  });

  it.each([
    ['HTTP 502', () => new HttpResponse('bad gateway', { status: 502 })],
    ['a connection error', () => HttpResponse.error()],
    ['a body that is not JSON', () => new HttpResponse('OK')],
  ])('%s is retryable and changes nothing', async (_, answer) => {
    platformAnswering(server, queryUrl, answer);
    const { ctx, services } = await withPayment();
    expect(await failure(run({ agency, paymentId: PAYMENT_ID }, ctx))).toBeInstanceOf(RetryableError);
    await expectUnchanged(services);
  });
});
