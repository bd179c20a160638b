import { describe, expect, it } from 'vitest';
import type { TestServices } from '../../core/sdk/testing.ts';
import { FIELD_ORDER } from './fields.ts';
import type { PaymentData } from './payment-record.ts';
import { agency, createInput } from './test-support/msw-paygov.ts';
import { deliverResult, PAYMENT_ID, resultNotice as notice } from './test-support/result-notice.ts';
import { audited, useTestServices } from './test-support/services.ts';

const openServices = useTestServices();
const data: PaymentData = { agency, dossierCode: createInput.dossierCode, amount: 50_000, transactionTime: '20261121093000', expiresAt: '2026-11-21T02:45:00.000Z' };

/** Services whose records hold one payment, moved from pending to `status` when that is not pending. */
async function withPayment(status = 'pending') {
  const services = await openServices();
  await services.records.create(PAYMENT_ID, 'pending', data);
  if (status !== 'pending') await services.records.transition(PAYMENT_ID, { from: ['pending'], to: status });
  return services;
}

const moves = (services: TestServices) => audited(services, 'record.transition');
const move = (from: string, to: string) => ({ key: PAYMENT_ID, from, to });

/** A pending payment the notice left as it was: no move in the audit log, still pending, nothing queued. */
async function expectUnchanged(services: TestServices) {
  expect(await moves(services)).toEqual([]);
  expect((await services.records.get(PAYMENT_ID))?.status).toBe('pending');
  expect(await services.emitted()).toEqual([]);
}

async function deliver(services: TestServices, body: unknown) {
  const delivered = await deliverResult(services, body);
  expect(delivered.status).toBe(200);
  return delivered;
}

const succeeded = {
  type: 'payment.succeeded',
  agency,
  data: { paymentId: PAYMENT_ID, dossierCode: createInput.dossierCode, amount: 50_000, providerReference: 'GD20261121001', paidAt: '2026-11-21T09:31:45+07:00' },
};

describe('payment-paygov result callback', () => {
  it('a genuine MaLoi 00 marks the payment paid, with one payment.succeeded', async () => {
    const services = await withPayment();
    const outcome = await deliver(services, notice());
    expect(outcome.answer).toEqual({ MaLoi: '00', MoTaLoi: 'Thành công', MaDoiTac: 'UBND_TTHUE', MaThamChieu: PAYMENT_ID, ThoiGianGD: '20261121093145' });
    expect(outcome.accepted).toBe(true);
    expect(outcome.summary).toEqual({ paymentId: PAYMENT_ID, maLoi: '00', outcome: 'paid', applied: true, status: 'paid' });
    expect(await moves(services)).toEqual([move('pending', 'paid')]);
    expect(await services.emitted()).toEqual([succeeded]);
    expect(await services.records.get(PAYMENT_ID)).toMatchObject({ data: { providerReference: 'GD20261121001', paidAt: '2026-11-21T09:31:45+07:00' } });
  });

  it('a repeat is answered with success and emits nothing more', async () => {
    const services = await withPayment();
    await deliver(services, notice());
    const repeat = await deliver(services, notice());
    expect(repeat.answer.MaLoi).toBe('00');
    expect(repeat.accepted).toBe(true);
    expect(repeat.summary).toMatchObject({ applied: false, status: 'paid' });
    expect(await services.emitted()).toEqual([succeeded]);
  });

  it('the same result arriving concurrently, and once more after, is applied once', async () => {
    const services = await withPayment();
    const outcomes = await Promise.all(Array.from({ length: 6 }, () => deliver(services, notice())));
    outcomes.push(await deliver(services, notice()));
    expect(outcomes.map((outcome) => [outcome.accepted, outcome.answer.MaLoi])).toEqual(Array.from({ length: 7 }, () => [true, '00']));
    expect(outcomes.filter((outcome) => outcome.summary?.applied === true)).toHaveLength(1);
    expect(await moves(services)).toEqual([move('pending', 'paid')]);
    expect(await services.emitted()).toEqual([succeeded]);
  });

  it('a paid and a cancelled result racing end in one state with one event', async () => {
    const services = await withPayment();
    await Promise.all([deliver(services, notice()), deliver(services, notice({ MaLoi: '24' })), deliver(services, notice())]);
    // Paid wins either way: first, or after the failure (the money was taken); each move happens once.
    expect([[move('pending', 'paid')], [move('pending', 'failed'), move('failed', 'paid')]]).toContainEqual(await moves(services));
    expect((await services.records.get(PAYMENT_ID))?.status).toBe('paid');
    expect((await services.emitted()).filter((event) => event.type === 'payment.succeeded')).toHaveLength(1);
  });

  it('SoTien as a number is hashed as its text', async () => {
    const services = await withPayment();
    const outcome = await deliver(services, { ...notice(), SoTien: 50000 });
    expect(outcome.accepted).toBe(true);
  });

  it('every other MaLoi marks the payment failed, with payment.failed', async () => {
    const services = await withPayment();
    const outcome = await deliver(services, notice({ MaLoi: '24', MaGiaoDich: '' }));
    expect(outcome.answer.MaLoi).toBe('00');
    expect(await moves(services)).toEqual([move('pending', 'failed')]);
    expect(await services.emitted()).toEqual([{ type: 'payment.failed', agency, data: { paymentId: PAYMENT_ID, dossierCode: createInput.dossierCode, amount: 50_000, status: 'failed', code: 'MALOI_24' } }]);
  });

  it('a paid result after a failed or expired one still counts: the money was taken', async () => {
    for (const status of ['failed', 'expired']) {
      const services = await withPayment(status);
      await deliver(services, notice());
      expect(await moves(services)).toEqual([move('pending', status), move(status, 'paid')]);
      expect(await services.emitted()).toEqual([succeeded]);
    }
  });

  it('a failed result after paid changes nothing', async () => {
    const services = await withPayment('paid');
    expect((await deliver(services, notice({ MaLoi: '24' }))).answer.MaLoi).toBe('00');
    expect(await moves(services)).toEqual([move('pending', 'paid')]);
    expect((await services.records.get(PAYMENT_ID))?.status).toBe('paid');
    expect(await services.emitted()).toEqual([]);
  });

  it('a notice with one signed field changed after signing is refused', async () => {
    for (const name of FIELD_ORDER.RESULT) {
      const services = await withPayment();
      const genuine = notice();
      const outcome = await deliver(services, { ...genuine, [name]: `${genuine[name]}1` });
      expect(outcome.accepted, name).toBe(false);
      expect(outcome.answer.MaLoi, name).toBe('01');
      await expectUnchanged(services);
    }
  });

  it.each([
    ['a paid result made from a cancelled one', () => ({ ...notice({ MaLoi: '24' }), MaLoi: '00' })],
    ['the wrong secret', () => notice({}, 'guessed-secret')],
    ['no MaXacThuc', () => ({ ...notice(), MaXacThuc: '' })],
    ['a MaXacThuc of another length', () => ({ ...notice(), MaXacThuc: 'abc' })],
  ])('%s is refused and changes nothing', async (_, forged) => {
    const services = await withPayment();
    const outcome = await deliver(services, forged());
    expect(outcome.accepted).toBe(false);
    expect(outcome.answer).toEqual({ MaLoi: '01', MoTaLoi: 'Sai mã xác thực' });
    expect(outcome.summary).toMatchObject({ paymentId: PAYMENT_ID, refused: 'bad MaXacThuc' });
    await expectUnchanged(services);
  });

  it.each([
    ['another partner', notice({ MaDoiTac: 'UBND_KHAC' }), '02', 'another partner code'],
    ['an unknown payment', notice({ MaThamChieu: 'PGNOPE' }), '05', 'unknown MaThamChieu'],
    ['another amount, signed', notice({ SoTien: '5000' }), '06', 'SoTien or MaTienTe differs from the payment'],
    ['another currency, signed', notice({ MaTienTe: 'USD' }), '06', 'SoTien or MaTienTe differs from the payment'],
    ['a body that is not JSON', '{"MaLoi": "00"', '03', 'malformed notice'],
    ['a body without MaXacThuc', { MaLoi: '00', MaThamChieu: PAYMENT_ID }, '03', 'malformed notice'],
    ['a JSON array', [notice()], '03', 'malformed notice'],
  ])('%s is refused with MaLoi %s and changes nothing', async (_, body, code, reason) => {
    const services = await withPayment();
    const outcome = await deliver(services, body);
    expect(outcome.accepted).toBe(false);
    expect(outcome.answer.MaLoi).toBe(code);
    expect(outcome.summary).toMatchObject({ refused: reason });
    await expectUnchanged(services);
  });

  describe('a genuine result with text moved from one field to the next under the same MaXacThuc', () => {
    // MaXacThuc hashes the fields joined by `|`: a `|` in the free text lets a copy shift every field after MaGiaoDich.
    const genuine = () => notice({ ThongTinGiaoDich: 'Le phi|ho so' });
    const shifted = () => {
      const { MaXacThuc, MaGiaoDich, MaNganHang, ThoiGianGD, ThongTinGiaoDich } = genuine();
      const [before = '', after = ''] = ThongTinGiaoDich.split('|');
      return { ...genuine(), MaGiaoDich: `${MaGiaoDich}|${MaNganHang}`, MaNganHang: ThoiGianGD, ThoiGianGD: before, ThongTinGiaoDich: after, MaXacThuc };
    };

    it('is refused as malformed naming the field, changes nothing; the genuine one is then taken with its own MaGiaoDich', async () => {
      const services = await withPayment();
      expect(shifted().MaXacThuc).toBe(notice(shifted()).MaXacThuc);
      const forged = await deliver(services, shifted());
      expect(forged.accepted).toBe(false);
      expect(forged.answer).toEqual({ MaLoi: '03', MoTaLoi: 'Dữ liệu không hợp lệ' });
      expect(forged.summary).toMatchObject({ refused: 'malformed notice', field: 'MaGiaoDich', reason: 'MaGiaoDich is not free of |, the separator MaXacThuc joins the fields with' });
      await expectUnchanged(services);

      const taken = await deliver(services, genuine());
      expect(taken).toMatchObject({ accepted: true, summary: { outcome: 'paid', applied: true } });
      expect(await services.emitted()).toEqual([succeeded]);
    });
  });

  it.each([
    ['LoaiBanTin', { LoaiBanTin: 'CONFIRM 2' }, 'a message type of letters'],
    ['MaLoi', { MaLoi: '0 0' }, 'a code of letters and digits'],
    ['SoTien', { SoTien: '050000' }, 'whole VND without leading zeros'],
    ['SoTien', { SoTien: '50000.00' }, 'whole VND without leading zeros'],
    ['MaTienTe', { MaTienTe: 'vnd' }, 'empty or a three-letter currency code'],
    ['ThoiGianGD', { ThoiGianGD: '20261131093145' }, 'empty or a real time as yyyyMMddHHmmss'],
    ['MaNganHang', { MaNganHang: 'N|CB' }, 'free of |, the separator MaXacThuc joins the fields with'],
    ['ThongTinGiaoDich', { ThongTinGiaoDich: 'x'.repeat(501) }, 'at most 500 characters'],
  ])('a signed result whose %s is out of form (%j) is refused as malformed, saying which and why', async (field, change, expected) => {
    const services = await withPayment();
    const outcome = await deliver(services, notice(change));
    expect(outcome.accepted).toBe(false);
    expect(outcome.answer.MaLoi).toBe('03');
    expect(outcome.summary).toMatchObject({ refused: 'malformed notice', field, reason: `${field} is not ${expected}` });
    await expectUnchanged(services);
  });

  it('a store failure is refused with 99, so the platform tries again', async () => {
    const services = await withPayment();
    await services.store.close();
    const outcome = await deliver(services, notice());
    expect(outcome).toMatchObject({ accepted: false, answer: { MaLoi: '99' }, summary: { refused: 'gateway error' } });
  });
});
