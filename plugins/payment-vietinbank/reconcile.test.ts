import { HttpResponse } from 'msw';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useMswServer } from '../../core/sdk/testing.ts';
import { reconcilePending, reconcileTask } from './reconcile.ts';
import { AGENCY, openTestServices, storePayment, taskContext, testConfig, type TestServices } from './test-support/fixtures.ts';
import { INQUIRY_URL, bankAnswering, inquiryAnswer } from './test-support/msw-vietinbank.ts';

const server = useMswServer();
const MINUTE = 60_000;
const config = testConfig({ pendingCheckAfterMs: 5 * MINUTE, reconcileEveryMs: 30_000 });

let services: TestServices;
let clock = Date.now();
beforeEach(async () => {
  clock = Date.now() - 10 * MINUTE;
  services = await openTestServices({ now: () => clock });
});
afterEach(() => services.dispose());

/** Payments stored ten minutes ago, then the clock back to now. */
async function storedEarlier(...payments: Array<[id: string, data?: Record<string, unknown>]>) {
  for (const [id, data] of payments) await storePayment(services, id, data);
  clock = Date.now();
}

const bankStates: Record<string, string> = { PAIDATBANK01: '00', STILLOPEN001: '01', DECLINED0001: '02', EXPIREDBANK1: '03' };

describe('payment-vietinbank reconciliation task', () => {
  it('runs as often as the instance says', () => {
    expect(reconcileTask.everyMs(config)).toBe(30_000);
  });

  it('looks up payments pending longer than pendingCheckAfterMs and settles each, with one event per change', async () => {
    // Past its expiry and the 10 minutes' grace in which the bank may still take the money.
    const past = new Date(Date.now() - 11 * MINUTE).toISOString();
    await storedEarlier(['PAIDATBANK01'], ['STILLOPEN001'], ['DECLINED0001'], ['EXPIREDBANK1'], ['NEVERARRIVED'], ['OVERDUE00001', { expiresAt: past }]);
    await storePayment(services, 'JUSTCREATED1');
    const inquiries = bankAnswering(server, INQUIRY_URL, (request) => {
      const id = String(request.queryTransactionId);
      if (id === 'NEVERARRIVED') return inquiryAnswer(request, '04');
      return inquiryAnswer(request, '00', { transStatus: bankStates[id] ?? '01', amount: '150000', bankTransId: 'VTB1', payTime: '20261121093005' });
    });

    await reconcilePending(taskContext(services, config));

    expect(inquiries.map((sent) => sent.json.queryTransactionId).sort()).toEqual(
      ['DECLINED0001', 'EXPIREDBANK1', 'NEVERARRIVED', 'OVERDUE00001', 'PAIDATBANK01', 'STILLOPEN001'],
    );
    const statuses = Object.fromEntries(
      await Promise.all(['PAIDATBANK01', 'STILLOPEN001', 'DECLINED0001', 'EXPIREDBANK1', 'NEVERARRIVED', 'OVERDUE00001', 'JUSTCREATED1'].map(async (id) => [id, (await services.records.get(id))?.status])),
    );
    expect(statuses).toEqual({
      PAIDATBANK01: 'paid',
      STILLOPEN001: 'pending',
      DECLINED0001: 'failed',
      EXPIREDBANK1: 'expired',
      NEVERARRIVED: 'failed',
      OVERDUE00001: 'expired',
      JUSTCREATED1: 'pending',
    });
    const events = (await services.emitted()).map((event) => [event.type, event.data.paymentId, event.data.status]);
    expect(events.sort()).toEqual([
      ['payment.failed', 'DECLINED0001', 'failed'],
      ['payment.failed', 'EXPIREDBANK1', 'expired'],
      ['payment.failed', 'NEVERARRIVED', 'failed'],
      ['payment.failed', 'OVERDUE00001', 'expired'],
      ['payment.succeeded', 'PAIDATBANK01', undefined],
    ]);
    for (const event of await services.emitted()) expect(event.agency).toBe(AGENCY);

    // A second run changes nothing more and emits nothing more.
    await reconcilePending(taskContext(services, config));
    expect(await services.emitted()).toHaveLength(5);
  });

  it('leaves a payment pending, even past its expiry, while the bank cannot be asked', async () => {
    await storedEarlier(['OVERDUE00001', { expiresAt: new Date(Date.now() - 60 * MINUTE).toISOString() }], ['OVERDUE00002']);
    const inquiries = bankAnswering(server, INQUIRY_URL, () => new HttpResponse(null, { status: 503 }));
    await reconcilePending(taskContext(services, config));
    expect(inquiries).toHaveLength(2);
    expect((await services.records.get('OVERDUE00001'))?.status).toBe('pending');
    expect(await services.emitted()).toEqual([]);
  });

  it('looks up at most reconcileBatch payments per run, those asked about least recently first', async () => {
    await storedEarlier(['PAYMENT00001'], ['PAYMENT00002'], ['PAYMENT00003']);
    const inquiries = bankAnswering(server, INQUIRY_URL, (request) => inquiryAnswer(request, '00', { transStatus: '01', amount: '150000' }));
    const batchOfTwo = taskContext(services, testConfig({ reconcileBatch: 2 }));
    const askedIn = async () => {
      const before = inquiries.length;
      await reconcilePending(batchOfTwo);
      return inquiries.slice(before).map((sent) => sent.json.queryTransactionId);
    };
    // Still open at the bank, none of them changes: without the rotation the third would never be asked.
    expect(await askedIn()).toEqual(['PAYMENT00001', 'PAYMENT00002']);
    expect(await askedIn()).toEqual(['PAYMENT00003', 'PAYMENT00001']);
    expect(await askedIn()).toEqual(['PAYMENT00002', 'PAYMENT00003']);
  });

  it('stops a run after three look-ups fail in a row, and asks the others first in the next run', async () => {
    await storedEarlier(['MISMATCH0001'], ['MISMATCH0002'], ['MISMATCH0003'], ['PAIDATBANK01']);
    const inquiries = bankAnswering(server, INQUIRY_URL, (request) => {
      const paid = request.queryTransactionId === 'PAIDATBANK01';
      // The bank holds the first three with another amount: a permanent AMOUNT_MISMATCH each time.
      return inquiryAnswer(request, '00', { transStatus: paid ? '00' : '01', amount: paid ? '150000' : '99000', bankTransId: 'VTB1' });
    });
    await reconcilePending(taskContext(services, config));
    expect(inquiries.map((sent) => sent.json.queryTransactionId)).toEqual(['MISMATCH0001', 'MISMATCH0002', 'MISMATCH0003']);
    expect((await services.records.get('PAIDATBANK01'))?.status).toBe('pending');

    await reconcilePending(taskContext(services, config));
    expect(inquiries[3]?.json.queryTransactionId).toBe('PAIDATBANK01');
    expect((await services.records.get('PAIDATBANK01'))?.status).toBe('paid');
    expect((await services.records.get('MISMATCH0001'))?.status).toBe('pending');
  });

  it('asks three payments only while the bank is down, not every payment with its timeout', async () => {
    await storedEarlier(['PAYMENT00001'], ['PAYMENT00002'], ['PAYMENT00003'], ['PAYMENT00004'], ['PAYMENT00005']);
    const inquiries = bankAnswering(server, INQUIRY_URL, () => new HttpResponse(null, { status: 503 }));
    await reconcilePending(taskContext(services, config));
    expect(inquiries).toHaveLength(3);
    expect(await services.emitted()).toEqual([]);
  });
  it('writes an audit entry when the bank answers a look-up with a signature that does not verify, and changes nothing', async () => {
    await storedEarlier(['PAIDATBANK01']);
    bankAnswering(server, INQUIRY_URL, async (request) => {
      const signed = (await inquiryAnswer(request, '00', { transStatus: '00', amount: '150000', bankTransId: 'VTB1' }).json()) as Record<string, unknown>;
      return HttpResponse.json({ ...signed, amount: '1' });
    });

    await reconcilePending(taskContext(services, config));

    expect(await services.records.get('PAIDATBANK01')).toMatchObject({ status: 'pending' });
    const refused = (await services.store.listAudit({}, 100)).filter((entry) => entry.action === 'payment.answer-refused');
    expect(refused.map((entry) => entry.summary)).toEqual([expect.objectContaining({ paymentId: 'PAIDATBANK01', code: 'BAD_SIGNATURE' })]);
    expect(await services.emitted()).toEqual([]);
  });
});
