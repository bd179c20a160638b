/**
 * A create repeated with the same messageId (the one-stop software's repeat with the same Idempotency-Key after a
 * 502/504): the same payment again, never a second one under another MaThamChieu.
 */
import { HttpResponse } from 'msw';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PermanentError, RetryableError } from '../../core/sdk/index.ts';
import { useMswServer } from '../../core/sdk/testing.ts';
import type { SentRequest, TestServices } from '../../core/sdk/testing.ts';
import { run } from './create.ts';
import { agency, context, createInput, failure, initUrl, json, platformAnswering, queryUrl } from './test-support/msw-paygov.ts';
import { audited, useTestServices } from './test-support/services.ts';

const server = useMswServer();
const openServices = useTestServices();
const PAYMENT_ID = 'PG01JDQ4ZK8X7V2M3N4P5Q6R7S8T';
const pageUrl = `https://thanhtoan.dvcqg.test/pay/${PAYMENT_ID}`;
const expiresAt = '2026-11-21T02:45:00.000Z';
const opened = () => json({ MaLoi: '00', MoTaLoi: 'Thành công', MaThamChieu: PAYMENT_ID, UrlThanhToan: pageUrl });
const refusedInit = (code: string) => json({ MaLoi: code, MoTaLoi: 'lỗi' });
const lost = () => new HttpResponse('Gateway Timeout', { status: 504 });
const state = (trangThaiGD: string) => json({ MaLoi: '00', MaThamChieu: PAYMENT_ID, TrangThaiGD: trangThaiGD, SoTien: '50000', MaGiaoDich: 'GD20261121001', ThoiGianGD: '20261121093145' });
const unknownTransaction = () => json({ MaLoi: '05', MoTaLoi: 'Không tìm thấy giao dịch' });

/** Answers the calls to `url` in turn with `answers` (the last one again when they run out); keeps what was sent. */
function answeringInTurn(url: string, ...answers: Array<() => Response>): SentRequest[] {
  return platformAnswering(server, url, () => {
    const next = answers.length > 1 ? answers.shift() : answers[0];
    if (!next) throw new Error('no answer given');
    return next();
  });
}

const kinds = (sent: SentRequest[]) => sent.map(({ text }) => (JSON.parse(text) as { LoaiBanTin: string; MaThamChieu: string }));

/** The first create, at 09:30 Hanoi time; then the clock shows 09:31, when the one-stop software repeats it. */
async function firstCreate(services: TestServices) {
  const outcome = await run(createInput, context(services)).catch((error: unknown) => error);
  vi.setSystemTime(new Date('2026-11-21T02:31:00Z'));
  return outcome;
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date('2026-11-21T02:30:00Z'));
});
afterEach(() => vi.useRealTimers());

describe('payment-paygov create, repeated with the same messageId', () => {
  it('answers the first result again when the page is known, without a message to the platform', async () => {
    const inits = answeringInTurn(initUrl, opened);
    const services = await openServices();
    const first = await firstCreate(services);
    const again = await run(createInput, context(services));
    expect(again).toEqual({ paymentId: PAYMENT_ID, paymentUrl: pageUrl, expiresAt });
    expect(again).toEqual(first);
    expect(inits).toHaveLength(1);
    expect((await services.records.get(PAYMENT_ID))?.status).toBe('pending');
    expect(await services.emitted()).toEqual([]);
  });

  it('a first INIT that got no answer and that the platform never took (QUERY: 05) is sent again, the same message', async () => {
    const inits = answeringInTurn(initUrl, lost, opened);
    const queries = answeringInTurn(queryUrl, unknownTransaction);
    const services = await openServices();
    expect(await firstCreate(services)).toBeInstanceOf(RetryableError);
    expect(await services.records.get(PAYMENT_ID)).toMatchObject({ status: 'failed', data: { failureCode: 'HTTP_504', initRefused: false } });

    expect(await run(createInput, context(services))).toEqual({ paymentId: PAYMENT_ID, paymentUrl: pageUrl, expiresAt });
    expect(kinds(queries)).toEqual([expect.objectContaining({ LoaiBanTin: 'QUERY', MaThamChieu: PAYMENT_ID, ThoiGianGD: '20261121093000' })]);
    // One MaThamChieu, one ThoiGianGD, one MaXacThuc: the platform sees the first INIT again, not a second payment.
    expect(inits).toHaveLength(2);
    expect(inits[1]?.text).toBe(inits[0]?.text);
    const record = await services.records.get(PAYMENT_ID);
    expect(record).toMatchObject({ status: 'pending', data: { paymentUrl: pageUrl } });
    expect(record?.data).not.toHaveProperty('failureCode');
    expect(await audited(services, 'record.transition')).toEqual([
      { key: PAYMENT_ID, from: 'pending', to: 'failed' },
      { key: PAYMENT_ID, from: 'failed', to: 'pending' },
    ]);
    expect(await services.emitted()).toEqual([]);
  });

  it('a first INIT the platform took but whose answer was lost (QUERY: 3) is sent again and its page answered', async () => {
    const inits = answeringInTurn(initUrl, () => HttpResponse.error(), opened);
    answeringInTurn(queryUrl, () => state('3'));
    const services = await openServices();
    expect(await firstCreate(services)).toBeInstanceOf(RetryableError);
    expect(await run(createInput, context(services))).toEqual({ paymentId: PAYMENT_ID, paymentUrl: pageUrl, expiresAt });
    expect(kinds(inits).map((init) => init.MaThamChieu)).toEqual([PAYMENT_ID, PAYMENT_ID]);
    expect(inits[1]?.text).toBe(inits[0]?.text);
    expect((await services.records.get(PAYMENT_ID))?.status).toBe('pending');
  });

  it('a record left pending without its page (the gateway stopped during INIT) is recovered the same way', async () => {
    const services = await openServices();
    const ctx = context(services);
    await ctx.records.create(PAYMENT_ID, 'pending', { agency, dossierCode: createInput.dossierCode, amount: 50_000, transactionTime: '20261121093000', expiresAt });
    const inits = answeringInTurn(initUrl, opened);
    answeringInTurn(queryUrl, unknownTransaction);
    expect(await run(createInput, ctx)).toEqual({ paymentId: PAYMENT_ID, paymentUrl: pageUrl, expiresAt });
    expect(inits).toHaveLength(1);
    expect(await audited(services, 'record.transition')).toEqual([{ key: PAYMENT_ID, from: 'pending', to: 'pending' }]);
  });

  it('when the platform holds the payment and refuses its INIT again (04), the page is lost: said once, for good', async () => {
    const inits = answeringInTurn(initUrl, lost, () => refusedInit('04'));
    const queries = answeringInTurn(queryUrl, () => state('3'));
    const services = await openServices();
    await firstCreate(services);
    const error = await failure(run(createInput, context(services)));
    expect(error).toBeInstanceOf(PermanentError);
    expect(error).toMatchObject({ code: 'PAYMENT_PAGE_LOST' });
    expect(await services.records.get(PAYMENT_ID)).toMatchObject({ status: 'failed', data: { failureCode: 'MALOI_04', initRefused: true } });
    // Asked again: the same refusal, nothing sent.
    expect(await failure(run(createInput, context(services)))).toMatchObject({ name: 'PermanentError', code: 'MALOI_04' });
    expect([inits.length, queries.length]).toEqual([2, 1]);
  });

  it('a payment the platform reports paid is marked paid with its event, and the repeat is told it is paid', async () => {
    const inits = answeringInTurn(initUrl, lost);
    answeringInTurn(queryUrl, () => state('1'));
    const services = await openServices();
    await firstCreate(services);
    expect(await failure(run(createInput, context(services)))).toMatchObject({ name: 'PermanentError', code: 'PAYMENT_PAID' });
    expect(inits).toHaveLength(1);
    expect(await services.records.get(PAYMENT_ID)).toMatchObject({ status: 'paid', data: { paidAt: '2026-11-21T09:31:45+07:00', providerReference: 'GD20261121001' } });
    expect(await services.emitted()).toEqual([
      { type: 'payment.succeeded', agency, data: { paymentId: PAYMENT_ID, dossierCode: createInput.dossierCode, amount: 50_000, providerReference: 'GD20261121001', paidAt: '2026-11-21T09:31:45+07:00' } },
    ]);
  });

  it('a payment the platform reports failed is not opened again', async () => {
    const services = await openServices();
    const ctx = context(services);
    await ctx.records.create(PAYMENT_ID, 'pending', { agency, dossierCode: createInput.dossierCode, amount: 50_000, transactionTime: '20261121093000', expiresAt });
    answeringInTurn(queryUrl, () => state('4'));
    expect(await failure(run(createInput, ctx))).toMatchObject({ name: 'PermanentError', code: 'PAYMENT_FAILED' });
    expect((await services.records.get(PAYMENT_ID))?.status).toBe('failed');
    expect((await services.emitted()).map((event) => event.data)).toEqual([expect.objectContaining({ paymentId: PAYMENT_ID, status: 'failed', code: 'TRANGTHAIGD_4' })]);
  });

  it('a QUERY that fails leaves the payment as it was and the repeat retryable, without a second INIT', async () => {
    const inits = answeringInTurn(initUrl, lost);
    answeringInTurn(queryUrl, () => new HttpResponse('busy', { status: 503 }));
    const services = await openServices();
    await firstCreate(services);
    expect(await failure(run(createInput, context(services)))).toMatchObject({ name: 'RetryableError', code: 'HTTP_503' });
    expect(inits).toHaveLength(1);
    expect((await services.records.get(PAYMENT_ID))?.status).toBe('failed');
  });

  it('a page never known by its expiry is not opened again', async () => {
    const inits = answeringInTurn(initUrl, lost);
    answeringInTurn(queryUrl, unknownTransaction);
    const services = await openServices();
    await firstCreate(services);
    vi.setSystemTime(new Date(expiresAt));
    expect(await failure(run(createInput, context(services)))).toMatchObject({ name: 'PermanentError', code: 'PAYMENT_EXPIRED' });
    expect(inits).toHaveLength(1);
  });

  it('an INIT refused for good is refused again, with its code and without a message', async () => {
    const inits = answeringInTurn(initUrl, () => refusedInit('06'));
    const services = await openServices();
    await firstCreate(services);
    expect(await failure(run(createInput, context(services)))).toMatchObject({ name: 'PermanentError', code: 'MALOI_06' });
    expect(inits).toHaveLength(1);
  });

  it.each([
    ['paid', 'PAYMENT_PAID'],
    ['expired', 'PAYMENT_EXPIRED'],
    ['failed', 'PAYMENT_FAILED'],
  ])('a payment whose page opened and that is %s now answers %s, without a message', async (status, code) => {
    answeringInTurn(initUrl, opened);
    const services = await openServices();
    await firstCreate(services);
    await services.records.transition(PAYMENT_ID, { from: ['pending'], to: status });
    expect(await failure(run(createInput, context(services)))).toMatchObject({ name: 'PermanentError', code });
  });

  it('the same messageId with another payment is refused: the paymentId is taken', async () => {
    answeringInTurn(initUrl, opened);
    const services = await openServices();
    await firstCreate(services);
    expect(await failure(run({ ...createInput, amount: 60_000 }, context(services)))).toMatchObject({ name: 'PermanentError', code: 'PAYMENT_ID_TAKEN' });
  });
});
