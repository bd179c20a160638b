import { HttpResponse } from 'msw';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { useMswServer } from '../../core/sdk/testing.ts';
import type { PaymentData } from './payment-record.ts';
import { reconcilePending } from './reconcile.ts';
import { agency, createInput, json, platformAnswering, queryUrl, taskContext } from './test-support/msw-paygov.ts';
import { audited, useTestServices } from './test-support/services.ts';

const server = useMswServer();
const openServices = useTestServices();
afterEach(() => vi.useRealTimers());

const payment = (id: string, expiresAt: string): [string, 'pending', PaymentData] => [
  id,
  'pending',
  { agency, dossierCode: createInput.dossierCode, amount: 50_000, transactionTime: '20261121093000', expiresAt },
];

/** Services holding one payment made at 09:30 Hanoi time, its page expiring at 09:45; the clock then shows `at`. */
async function onePendingPayment(id: string, at: string) {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date('2026-11-21T02:30:00Z'));
  const services = await openServices();
  const ctx = taskContext(services);
  await ctx.records.create(...payment(id, '2026-11-21T02:45:00Z'));
  vi.setSystemTime(new Date(at));
  return { services, ctx };
}

describe('payment-paygov reconcile task', () => {
  it('queries pending payments left alone for reconcileAfterMs, and applies final answers', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-11-21T02:30:00Z'));
    const services = await openServices();
    const ctx = taskContext(services);
    for (const id of ['PG-PAID', 'PG-WAITING', 'PG-BROKEN']) await ctx.records.create(...payment(id, '2026-11-21T02:45:00Z'));
    vi.setSystemTime(new Date('2026-11-21T02:31:00Z'));
    await ctx.records.create(...payment('PG-NEW', '2026-11-21T02:46:00Z'));
    // 1 minute later: only the three older than reconcileAfterMs (2 minutes) are due.
    vi.setSystemTime(new Date('2026-11-21T02:32:30Z'));
    const sent = platformAnswering(server, queryUrl, ({ text }) => {
      const reference = (JSON.parse(text) as { MaThamChieu: string }).MaThamChieu;
      if (reference === 'PG-BROKEN') return new HttpResponse('down', { status: 503 });
      return json({ MaLoi: '00', MaThamChieu: reference, TrangThaiGD: reference === 'PG-PAID' ? '1' : '3', SoTien: '50000', MaGiaoDich: 'GD1' });
    });

    await reconcilePending.run(ctx);
    expect(sent.map(({ text }) => (JSON.parse(text) as { MaThamChieu: string }).MaThamChieu).sort()).toEqual(['PG-BROKEN', 'PG-PAID', 'PG-WAITING']);
    // The payment the platform failed on goes to the back of the line, still pending.
    const moves = await audited(services, 'record.transition');
    expect(moves).toHaveLength(2);
    expect(moves).toEqual(expect.arrayContaining([{ key: 'PG-PAID', from: 'pending', to: 'paid' }, { key: 'PG-BROKEN', from: 'pending', to: 'pending' }]));
    const statuses = await Promise.all(['PG-PAID', 'PG-WAITING', 'PG-BROKEN', 'PG-NEW'].map(async (id) => (await services.records.get(id))?.status));
    expect(statuses).toEqual(['paid', 'pending', 'pending', 'pending']);
    expect(await services.records.get('PG-BROKEN')).toMatchObject({ data: { lastQueryError: 'HTTP_503' }, updatedAt: '2026-11-21T02:32:30.000Z' });
    expect((await services.emitted()).map((event) => [event.type, event.data.paymentId])).toEqual([['payment.succeeded', 'PG-PAID']]);
    expect(reconcilePending.everyMs(ctx.config)).toBe(60_000);

    // A minute on: the one still waiting and the new one are due; the failed one waits its turn again.
    vi.setSystemTime(new Date('2026-11-21T02:33:30Z'));
    sent.length = 0;
    await reconcilePending.run(ctx);
    expect(sent.map(({ text }) => (JSON.parse(text) as { MaThamChieu: string }).MaThamChieu).sort()).toEqual(['PG-NEW', 'PG-WAITING']);
  });

  it('marks a payment still pending long after its page expired as expired, with payment.failed', async () => {
    const { services, ctx } = await onePendingPayment('PG-OLD', '2026-11-21T02:48:00Z');
    platformAnswering(server, queryUrl, () => json({ MaLoi: '00', MaThamChieu: 'PG-OLD', TrangThaiGD: '3' }));

    await reconcilePending.run(ctx);
    expect(await audited(services, 'record.created')).toEqual([{ key: 'PG-OLD', status: 'pending' }]);
    expect(await audited(services, 'record.transition')).toEqual([{ key: 'PG-OLD', from: 'pending', to: 'expired' }]);
    expect((await services.records.get('PG-OLD'))?.status).toBe('expired');
    expect(await services.emitted()).toEqual([
      { type: 'payment.failed', agency, data: { paymentId: 'PG-OLD', dossierCode: createInput.dossierCode, amount: 50_000, status: 'expired' } },
    ]);
  });

  it.each([
    ['long after its page expired, is expired', '2026-11-21T02:48:00Z', 'expired'],
    ['before its page expired, waits', '2026-11-21T02:40:00Z', 'pending'],
  ])('a payment the platform never took (MaLoi 05), %s', async (_, at, status) => {
    const { services, ctx } = await onePendingPayment('PG-LOST', at);
    platformAnswering(server, queryUrl, () => json({ MaLoi: '05', MoTaLoi: 'Không tìm thấy giao dịch' }));

    await reconcilePending.run(ctx);
    expect((await services.records.get('PG-LOST'))?.status).toBe(status);
    expect((await services.emitted()).map((event) => event.data)).toEqual(status === 'expired' ? [expect.objectContaining({ paymentId: 'PG-LOST', status: 'expired' })] : []);
  });

  it('a paid answer of another amount never expires the payment: it stays pending for a person to look at', async () => {
    const { services, ctx } = await onePendingPayment('PG-ODD', '2026-11-21T03:30:00Z');
    platformAnswering(server, queryUrl, () => json({ MaLoi: '00', MaThamChieu: 'PG-ODD', TrangThaiGD: '1', SoTien: '5000' }));

    await reconcilePending.run(ctx);
    expect(await services.records.get('PG-ODD')).toMatchObject({ status: 'pending', data: { lastQueryError: 'AMOUNT_MISMATCH' } });
    expect(await services.emitted()).toEqual([]);
  });
});
