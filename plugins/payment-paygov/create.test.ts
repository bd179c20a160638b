import { createHash } from 'node:crypto';
import { delay, HttpResponse } from 'msw';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PermanentError, RetryableError, Secret } from '../../core/sdk/index.ts';
import { expectCapabilityOutput, useMswServer } from '../../core/sdk/testing.ts';
import { paymentIdOf, run } from './create.ts';
import { ANSWER_CODES } from './answer-codes.ts';
import plugin from './index.ts';
import { context, createInput, failure, initUrl, json, platformAnswering, secretText } from './test-support/msw-paygov.ts';
import { audited, useTestServices } from './test-support/services.ts';

const server = useMswServer();
const openServices = useTestServices();
const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const PAYMENT_ID = 'PG01JDQ4ZK8X7V2M3N4P5Q6R7S8T';
const pageUrl = `https://thanhtoan.dvcqg.test/pay/${PAYMENT_ID}`;
const opened = () => json({ MaLoi: '00', MoTaLoi: 'Thành công', MaThamChieu: PAYMENT_ID, UrlThanhToan: pageUrl });

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  // 09:30:00 in Hanoi.
  vi.setSystemTime(new Date('2026-11-21T02:30:00Z'));
});
afterEach(() => vi.useRealTimers());

describe('payment-paygov create', () => {
  it('sends INIT with every field in order, signed over the documented fields, and answers the payment page', async () => {
    const sent = platformAnswering(server, initUrl, opened);
    const services = await openServices();
    const ctx = context(services);
    const output = await run({ ...createInput, returnUrl: 'https://motcua.example/ho-so/1' }, ctx);

    expect(output).toEqual({ paymentId: PAYMENT_ID, paymentUrl: pageUrl, expiresAt: '2026-11-21T02:45:00.000Z' });
    expectCapabilityOutput(plugin, 'create', output);
    expect(sent).toHaveLength(1);
    const signedText = `INIT|1.0.6|UBND_TTHUE|${PAYMENT_ID}|50000|PAY|1|1|vi|VND||Le phi ho so 000.00.02.H22-261121-0001|20261121093000|10.0.0.7|${secretText}`;
    expect(sent[0]?.text).toBe(
      JSON.stringify({
        LoaiBanTin: 'INIT',
        PhienBan: '1.0.6',
        MaDoiTac: 'UBND_TTHUE',
        MaThamChieu: PAYMENT_ID,
        SoTien: '50000',
        LoaiHinhThanhToan: 'PAY',
        MaKenhThanhToan: '1',
        MaThietBi: '1',
        NgonNgu: 'vi',
        MaTienTe: 'VND',
        MaNganHang: '',
        ThongTinGiaoDich: 'Le phi ho so 000.00.02.H22-261121-0001',
        ThoiGianGD: '20261121093000',
        Ip: '10.0.0.7',
        UrlCallback: ctx.callbackUrl,
        UrlReturn: 'https://motcua.example/ho-so/1',
        MaXacThuc: sha256(signedText),
      }),
    );
    expect(sent[0]?.headers.get('content-type')).toBe('application/json');
    expect(sent[0]?.headers.get('authorization')).toBeNull();

    expect(await services.records.get(PAYMENT_ID)).toMatchObject({
      status: 'pending',
      data: { agency: createInput.agency, dossierCode: createInput.dossierCode, amount: 50_000, transactionTime: '20261121093000', expiresAt: output.expiresAt, paymentUrl: pageUrl },
    });
    expect(await audited(services, 'record.created')).toEqual([{ key: PAYMENT_ID, status: 'pending' }]);
    // The page is kept with the payment, for a repeat of this create.
    expect(await audited(services, 'record.transition')).toEqual([{ key: PAYMENT_ID, from: 'pending', to: 'pending' }]);
    expect(await services.emitted()).toEqual([]);
  });

  it('uses the configured field names and access token, and leaves out what is not configured', async () => {
    const sent = platformAnswering(server, 'https://thanhtoan.dvcqg.test/v2/init', () => json({ MaLoi: '00', PaymentUrl: pageUrl }));
    const ctx = context(await openServices(), {}, { initPath: '/v2/init', callbackUrlField: 'CallbackUrl', returnUrlField: '', paymentUrlField: 'PaymentUrl', accessToken: new Secret('token-abc'), language: 'vi-VN', bankCode: 'PAYMENT', plainDescription: false });
    const output = await run({ ...createInput, returnUrl: 'https://motcua.example/x' }, ctx);
    expect(output.paymentUrl).toBe(pageUrl);
    const body = JSON.parse(sent[0]?.text ?? '{}') as Record<string, string>;
    expect(Object.keys(body).slice(-2)).toEqual(['CallbackUrl', 'MaXacThuc']);
    expect(body).toMatchObject({ CallbackUrl: ctx.callbackUrl, NgonNgu: 'vi-VN', MaNganHang: 'PAYMENT', ThongTinGiaoDich: createInput.description });
    expect(body.MaXacThuc).toBe(
      sha256(`INIT|1.0.6|UBND_TTHUE|${PAYMENT_ID}|50000|PAY|1|1|vi-VN|VND|PAYMENT|${createInput.description}|20261121093000|10.0.0.7|${secretText}`),
    );
    expect(sent[0]?.headers.get('authorization')).toBe('Bearer token-abc');
  });

  it('reads the answer in the adapter envelope too', async () => {
    platformAnswering(server, initUrl, () => json({ error_code: '0', message: JSON.stringify({ MaLoi: '00', UrlThanhToan: pageUrl }) }));
    expect((await run(createInput, context(await openServices()))).paymentUrl).toBe(pageUrl);
  });

  it('makes paymentId from the message id: letters and digits, PG first', () => {
    expect(paymentIdOf('msg_01JDQ4ZK8X7V2M3N4P5Q6R7S8T')).toBe(PAYMENT_ID);
    expect(paymentIdOf('x-y_z')).toBe('PGxyz');
  });

  const refusals = ANSWER_CODES.rows.filter((row) => row.field === 'MaLoi' && row.verdict !== 'ok');
  it.each(refusals.map((row) => [row.code, row.field === 'MaLoi' ? row.verdict : '']))('MaLoi %s is %s, and the payment is failed', async (code, verdict) => {
    platformAnswering(server, initUrl, () => json({ MaLoi: code, MoTaLoi: 'lỗi' }));
    const services = await openServices();
    const error = await failure(run(createInput, context(services)));
    expect(error).toBeInstanceOf(verdict === 'permanent' ? PermanentError : RetryableError);
    expect(error).toMatchObject({ code: `MALOI_${code}` });
    expect(await services.records.get(PAYMENT_ID)).toMatchObject({ status: 'failed', data: { failureCode: `MALOI_${code}`, initRefused: verdict === 'permanent' } });
    expect(await audited(services, 'record.transition')).toEqual([{ key: PAYMENT_ID, from: 'pending', to: 'failed' }]);
    expect(await services.emitted()).toEqual([]);
  });

  it.each([
    ['HTTP 503', () => new HttpResponse('busy', { status: 503, headers: { 'retry-after': '3' } }), RetryableError, 'HTTP_503'],
    ['HTTP 500', () => new HttpResponse('oops', { status: 500 }), RetryableError, 'HTTP_500'],
    ['HTTP 429', () => new HttpResponse('slow down', { status: 429 }), RetryableError, 'HTTP_429'],
    ['HTTP 404', () => new HttpResponse('no such path', { status: 404 }), PermanentError, 'HTTP_404'],
    ['a connection error', () => HttpResponse.error(), RetryableError, undefined],
    ['an HTML page', () => new HttpResponse('<html>gateway</html>', { headers: { 'content-type': 'text/html' } }), RetryableError, 'MALFORMED_ANSWER'],
    ['an empty body', () => new HttpResponse('', { status: 200 }), RetryableError, 'MALFORMED_ANSWER'],
    ['an answer without the page', () => json({ MaLoi: '00' }), RetryableError, 'MALFORMED_ANSWER'],
    ['a page that is not a URL', () => json({ MaLoi: '00', UrlThanhToan: 'javascript:alert(1)' }), RetryableError, 'MALFORMED_ANSWER'],
    ['an answer about another transaction', () => json({ MaLoi: '00', MaThamChieu: 'PG-OTHER', UrlThanhToan: pageUrl }), PermanentError, 'MISMATCHED_ANSWER'],
    ['an envelope with an error', () => json({ error_code: -1, message: 'Lỗi xác thực' }), RetryableError, 'ERROR_CODE_-1'],
    ['an envelope with a broken message', () => json({ error_code: '0', message: '{not json' }), RetryableError, 'MALFORMED_ANSWER'],
  ] as const)('%s fails the call and the payment', async (_, answer, ErrorClass, code) => {
    platformAnswering(server, initUrl, answer);
    const services = await openServices();
    const error = await failure(run(createInput, context(services)));
    expect(error).toBeInstanceOf(ErrorClass);
    if (code) expect(error).toMatchObject({ code });
    expect(await services.records.get(PAYMENT_ID)).toMatchObject({ status: 'failed', data: { initRefused: ErrorClass === PermanentError } });
    expect(await services.emitted()).toEqual([]);
  });

  it('a platform slower than timeoutMs is retryable', async () => {
    vi.useRealTimers();
    platformAnswering(server, initUrl, async () => {
      await delay(1_000);
      return opened();
    });
    const error = await failure(run(createInput, context(await openServices(), {}, { timeoutMs: 100 })));
    expect(error).toBeInstanceOf(RetryableError);
    expect(error).toMatchObject({ code: 'ETIMEDOUT' });
  });

  it('no failure, and no log line, shows the secret or the access token', async () => {
    const lines: string[] = [];
    const log = pino({ level: 'trace' }, { write: (line: string) => lines.push(line) });
    platformAnswering(server, initUrl, opened);
    await run(createInput, context(await openServices(), { log }, { accessToken: new Secret('token-xyz') }));
    for (const answer of [() => json({ MaLoi: '01', MoTaLoi: 'Sai mã xác thực' }), () => new HttpResponse('x', { status: 502 }), () => json({})]) {
      platformAnswering(server, initUrl, answer);
      const error = await failure(run(createInput, context(await openServices(), { log }, { accessToken: new Secret('token-xyz') })));
      for (const hidden of [secretText, 'token-xyz']) expect(`${error.message} ${JSON.stringify(error)}`).not.toContain(hidden);
    }
    expect(lines.length).toBeGreaterThan(0);
    for (const hidden of [secretText, 'token-xyz']) expect(lines.join('\n')).not.toContain(hidden);
  });
});
