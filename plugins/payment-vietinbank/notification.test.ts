import { createVerify } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { handleNotice } from './notification.ts';
import { NOTICE_ANSWERS } from './answer-codes.ts';
import { signed, verifyMessage } from './signature.ts';
import { rsaKeyPair } from './simulator/index.ts';
import { AGENCY, account, bankSigned, callbackContext, openTestServices, storePayment, testConfig, type TestServices } from './test-support/fixtures.ts';

const paymentId = 'PAY000000001';
const notice = (overrides: Record<string, unknown> = {}) =>
  bankSigned('notice', { transId: 'NT000000001', transTime: '20261121093005', custCode: paymentId, amount: '150000', bankTransId: 'VTB20261121093005000001', remark: 'Lệ phí hồ sơ', ...overrides });
const post = (body: unknown) => new Request('http://127.0.0.1:8080/v1/callbacks/test-instance', { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body) });

let services: TestServices;
beforeEach(async () => {
  services = await openTestServices();
  await storePayment(services, paymentId);
});
afterEach(() => services.dispose());

async function answerOf(outcome: { response: Response }) {
  expect(outcome.response.status).toBe(200);
  const body = (await outcome.response.json()) as Record<string, unknown>;
  // Every answer is signed by the agency over transId + errorCode + errorDesc.
  expect(verifyMessage('noticeAnswer', body, account().agencyPublicKey, 'sha256')).toBe(true);
  return body;
}

describe('payment-vietinbank payment notice', () => {
  it('marks the payment paid, emits payment.succeeded, and answers 00 signed', async () => {
    const outcome = await handleNotice(post(notice()), callbackContext(services));
    const answer = await answerOf(outcome);
    expect(answer).toEqual({ transId: 'NT000000001', errorCode: '00', errorDesc: 'Success', signature: expect.any(String) });
    // Signed over exactly transId + errorCode + errorDesc, as the bank checks it.
    expect(createVerify('sha256').update('NT00000000100Success').verify(account().agencyPublicKey, String(answer.signature), 'base64')).toBe(true);
    expect(outcome).toMatchObject({ accepted: true, summary: { paymentId, transId: 'NT000000001', duplicate: false, errorCode: '00' } });
    expect(await services.records.get(paymentId)).toMatchObject({ status: 'paid', data: { bankTransId: 'VTB20261121093005000001', paidAt: '2026-11-21T09:30:05+07:00' } });
    expect(await services.emitted()).toEqual([
      {
        type: 'payment.succeeded',
        agency: AGENCY,
        data: { paymentId, dossierCode: '000.00.01.H22-261121-0001', amount: 150000, paidAt: '2026-11-21T09:30:05+07:00', providerReference: 'VTB20261121093005000001' },
      },
    ]);
  });

  it('takes a notice once however many copies arrive at once, and answers every copy 00', async () => {
    const outcomes = await Promise.all(Array.from({ length: 8 }, () => handleNotice(post(notice()), callbackContext(services))));
    for (const outcome of outcomes) expect(await answerOf(outcome)).toMatchObject({ errorCode: '00' });
    expect(outcomes.filter((outcome) => outcome.summary?.duplicate === false)).toHaveLength(1);
    expect(await services.emitted()).toHaveLength(1);
  });

  it('a repeat after the payment is paid answers 00 and emits nothing more', async () => {
    await handleNotice(post(notice()), callbackContext(services));
    const repeat = await handleNotice(post(notice()), callbackContext(services));
    expect(await answerOf(repeat)).toMatchObject({ errorCode: '00' });
    expect(repeat).toMatchObject({ accepted: true, summary: { duplicate: true } });
    expect(await services.emitted()).toHaveLength(1);
  });

  it('a second bank transaction for a paid payment is taken, and flagged for an operator', async () => {
    await handleNotice(post(notice()), callbackContext(services));
    const second = await handleNotice(post(notice({ transId: 'NT000000002', bankTransId: 'VTB20261121093005000002' })), callbackContext(services));
    expect(second).toMatchObject({ accepted: true, summary: { duplicate: true, secondPayment: true } });
    expect(await services.emitted()).toHaveLength(1);
  });

  it.each(['expired', 'failed'])('pays a payment the gateway had closed as %s: the bank says the money arrived', async (closed) => {
    await services.records.transition(paymentId, { from: ['pending'], to: closed });
    expect(await handleNotice(post(notice()), callbackContext(services))).toMatchObject({ accepted: true, summary: { duplicate: false } });
    expect((await services.records.get(paymentId))?.status).toBe('paid');
    expect((await services.emitted()).map((event) => event.type)).toEqual(['payment.succeeded']);
  });

  it('a notice of a payment marked paid by a look-up that named no bank transaction is a repeat, not a second payment', async () => {
    // An empty bankTransId, as an inquiry answer may carry it (and as records written before this rule hold it).
    await services.records.transition(paymentId, { from: ['pending'], to: 'paid', data: { paidAt: '2026-11-21T02:30:05.000Z', bankTransId: '' } });
    const outcome = await handleNotice(post(notice()), callbackContext(services));
    expect(outcome).toMatchObject({ accepted: true, summary: { duplicate: true } });
    expect(outcome.summary).not.toHaveProperty('secondPayment');
  });

  it('a genuine notice of another amount names both amounts in the audit summary', async () => {
    const outcome = await handleNotice(post(notice({ amount: '15000' })), callbackContext(services));
    expect(outcome.summary).toMatchObject({ refused: 'amount mismatch', noticeAmount: '15000', paymentAmount: 150000 });
  });

  it.each([
    ['a plain transId is echoed', 'NT-000000009', 'NT-000000009'],
    ['any other transId is not', "NT1 then text of a stranger's choosing", ''],
  ])('a notice not known to be genuine: %s in the signed answer', async (_, transId, echoed) => {
    const forged = await answerOf(await handleNotice(post({ ...notice(), transId, signature: 'Zm9yZ2Vk' }), callbackContext(services)));
    expect(forged).toMatchObject({ transId: echoed, errorCode: '01' });
    const malformed = await answerOf(await handleNotice(post({ transId }), callbackContext(services)));
    expect(malformed).toMatchObject({ transId: echoed, errorCode: '02' });
  });

  const refusals: Array<[string, keyof typeof NOTICE_ANSWERS, string, () => unknown]> = [
    ['a notice signed by another key', 'badSignature', 'invalid signature', () => signed('notice', { ...notice(), signature: undefined }, rsaKeyPair().privateKey, 'sha256')],
    ['a notice with a changed amount', 'badSignature', 'invalid signature', () => ({ ...notice(), amount: '1500000' })],
    ['a notice without signature', 'badSignature', 'invalid signature', () => ({ ...notice(), signature: undefined })],
    ['a body that is not JSON', 'malformed', 'malformed notice', () => 'transId=1'],
    ['a notice without custCode', 'malformed', 'malformed notice', () => ({ ...notice(), custCode: undefined })],
    ['a genuine notice about an unknown payment', 'unknownPayment', 'unknown payment', () => notice({ custCode: 'NPE000000000' })],
    ['a genuine notice of another amount', 'amountMismatch', 'amount mismatch', () => notice({ amount: '15000' })],
  ];

  it.each(refusals)('%s is answered %s, changes nothing and says why', async (_, answer, reason, body) => {
    const outcome = await handleNotice(post(body()), callbackContext(services));
    expect(await answerOf(outcome)).toMatchObject(NOTICE_ANSWERS[answer]);
    expect(outcome).toMatchObject({ accepted: false, summary: { refused: reason } });
    expect((await services.records.get(paymentId))?.status).toBe('pending');
    expect(await services.emitted()).toEqual([]);
  });

  describe('a notice signed by the bank whose characters were moved from one field to the next', () => {
    // The bank signs transId + transTime + custCode + amount + bankTransId + remark joined without separators: a
    // copy with the boundary between bankTransId and remark moved carries the genuine notice's valid signature.
    const genuine = () => notice({ bankTransId: 'VTB20261121093005000001', remark: '1234 Le phi ho so' });
    const shifted = (move: number) => {
      const { bankTransId, remark, signature } = genuine();
      const joined = bankTransId + remark;
      const at = bankTransId.length + move;
      return { ...genuine(), bankTransId: joined.slice(0, at), remark: joined.slice(at), signature };
    };

    it.each([
      ['bankTransId cut short, its end moved to remark', -1],
      ['bankTransId cut by six', -6],
      ["remark's first characters moved to bankTransId", 4],
    ])('%s: refused as malformed naming bankTransId, changing nothing; the genuine one is then taken, no second payment', async (_, move) => {
      const forged = shifted(move);
      expect(verifyMessage('notice', forged, account().bankPublicKey, 'sha256')).toBe(true);

      const refused = await handleNotice(post(forged), callbackContext(services));
      expect(await answerOf(refused)).toMatchObject({ transId: 'NT000000001', ...NOTICE_ANSWERS.malformed });
      expect(refused).toMatchObject({
        accepted: false,
        summary: { refused: 'malformed notice', field: 'bankTransId', reason: String.raw`bankTransId is not in the form ^VTB\d{20}$`, transId: 'NT000000001' },
      });
      expect(await services.records.get(paymentId)).toMatchObject({ status: 'pending' });
      expect(await services.emitted()).toEqual([]);

      const taken = await handleNotice(post(genuine()), callbackContext(services));
      expect(await answerOf(taken)).toMatchObject(NOTICE_ANSWERS.accepted);
      expect(taken).toMatchObject({ accepted: true, summary: { duplicate: false, bankTransId: 'VTB20261121093005000001' } });
      const repeat = await handleNotice(post(genuine()), callbackContext(services));
      expect(repeat.summary).toMatchObject({ duplicate: true });
      expect(repeat.summary).not.toHaveProperty('secondPayment');
      expect(await services.records.get(paymentId)).toMatchObject({ status: 'paid', data: { bankTransId: 'VTB20261121093005000001' } });
      expect((await services.emitted()).map((event) => event.data)).toEqual([expect.objectContaining({ providerReference: 'VTB20261121093005000001' })]);
    });
  });

  it.each([
    ['transId', { transId: 'NT 000000001' }, String.raw`in the form ^[A-Za-z0-9_.:-]{1,64}$`],
    ['transTime', { transTime: '20261340093005' }, 'a real time as yyyyMMddHHmmss'],
    ['transTime', { transTime: '2026112109300' }, 'a real time as yyyyMMddHHmmss'],
    ['custCode', { custCode: paymentId.toLowerCase() }, 'a paymentId of this gateway (12 letters and digits)'],
    ['amount', { amount: '0150000' }, 'whole VND without leading zeros'],
    ['amount', { amount: '150000.00' }, 'whole VND without leading zeros'],
    ['bankTransId', { bankTransId: 'VTB1' }, String.raw`in the form ^VTB\d{20}$`],
    ['remark', { remark: 'x'.repeat(501) }, 'text of at most 500 characters'],
  ])('a signed notice whose %s is out of form (%j) is refused as malformed, saying which and why', async (field, overrides, expected) => {
    const outcome = await handleNotice(post(notice(overrides)), callbackContext(services));
    expect(await answerOf(outcome)).toMatchObject(NOTICE_ANSWERS.malformed);
    expect(outcome).toMatchObject({ accepted: false, summary: { refused: 'malformed notice', field, reason: `${field} is not ${expected}` } });
    expect((await services.records.get(paymentId))?.status).toBe('pending');
    expect(await services.emitted()).toEqual([]);
  });

  it("takes the bank's own forms from the instance's config", async () => {
    const config = testConfig({ noticeTransIdPattern: String.raw`^\d{10}$`, noticeBankTransIdPattern: String.raw`^FT\d{14}$` });
    const theirs = notice({ transId: '2611210001', bankTransId: 'FT26325000000042' });
    expect(await handleNotice(post(notice()), callbackContext(services, config))).toMatchObject({ accepted: false, summary: { field: 'transId' } });
    expect(await handleNotice(post(theirs), callbackContext(services, config))).toMatchObject({ accepted: true, summary: { bankTransId: 'FT26325000000042' } });
  });

  it('every answer code is one of the table', () => {
    expect(Object.values(NOTICE_ANSWERS).map((answer) => answer.errorCode)).toEqual(['00', '01', '02', '03', '04']);
  });
});
