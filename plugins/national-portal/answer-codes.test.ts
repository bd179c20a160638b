/** Every row of the result table and of the transport table, through the operations, against msw. */
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { PermanentError, RetryableError } from '../../core/sdk/index.ts';
import { useMswServer } from '../../core/sdk/testing.ts';
import { syncDossier, updateProgress } from './operations.ts';
import { ANSWER_CODES, REFERENCE_UNKNOWN, rowOf, UNKNOWN_ANSWER } from './answer-codes.ts';
import { testConfig } from './test-support/config.ts';
import { AGENCY, context, dossier, entry, failure, loginUrl, OK, password, portalAnswering } from './test-support/msw-portal.ts';

const server = useMswServer();
const add = (ctx = context()) => syncDossier({ agency: AGENCY, dossier }, ctx);
const progress = (ctx = context({ progressBatchSize: 1 })) => updateProgress({ agency: AGENCY, dossierCode: 'HS-1', entries: [entry(1)] }, ctx);

describe('the result table', () => {
  it.each([0, '0', '00', ' 0 '])('error_code %j is success', async (code) => {
    portalAnswering(server, () => ({ error_code: code, message: 'Thành công' }));
    await expect(add()).resolves.toMatchObject({ code: String(code).trim() });
  });

  it('ALREADY_EXISTS on an add is resent as an update; on a progress entry it is permanent', async () => {
    portalAnswering(server, (body) => (body.isUpdating === 'False' || body.service === 'CapNhatTienDoHoSoMC' ? { error_code: -3, message: 'Hồ sơ đã tồn tại' } : OK));
    await expect(add()).resolves.toMatchObject({ updated: true });
    const error = await failure(progress());
    expect(error).toBeInstanceOf(PermanentError);
    expect(error).toMatchObject({ code: 'ALREADY_EXISTS' });
  });

  it('an "already exists" message with an error_code outside existsCodes is not an exists answer', () => {
    expect(rowOf({ errorCode: '5', message: 'Hồ sơ đã tồn tại' }, testConfig()).code).not.toBe('ALREADY_EXISTS');
    expect(rowOf({ errorCode: '5', message: 'Hồ sơ đã tồn tại' }, testConfig({ existsCodes: ['5'] })).code).toBe('ALREADY_EXISTS');
  });

  it.each([
    [-2, 'Phiên làm việc không hợp lệ hoặc đã hết hạn'],
    [401, 'Unauthorized'],
    [99, 'Session expired'],
    [-1, 'Token không hợp lệ'],
  ])('SESSION_REJECTED (error_code %s, "%s"): logs in again once and resends', async (code, message) => {
    const sent = portalAnswering(server, (_, n) => (n === 0 ? { error_code: code, message } : OK));
    await expect(add()).resolves.toMatchObject({ code: '0' });
    expect(sent.logins).toHaveLength(2);
    expect(sent.calls.map((call) => call.json.session)).toEqual(['s1', 's2']);
  });

  it('SESSION_REJECTED twice in a row is retryable, after one login again only', async () => {
    const sent = portalAnswering(server, () => ({ error_code: -2, message: 'Phiên làm việc đã hết hạn' }));
    const error = await failure(add());
    expect(error).toBeInstanceOf(RetryableError);
    expect(error).toMatchObject({ code: 'SESSION_REJECTED' });
    expect(sent.logins).toHaveLength(2);
  });

  it('DOSSIER_UNKNOWN on a progress entry is retryable and not the portal fault: it waits for the add', async () => {
    portalAnswering(server, () => ({ error_code: -1, message: 'Hồ sơ HS-1 không tồn tại trên Cổng DVCQG' }));
    const error = await failure(progress());
    expect(error).toBeInstanceOf(RetryableError);
    expect(error).toMatchObject({ code: 'DOSSIER_UNKNOWN', providerFault: false });
    expect(error.message).toContain('không tồn tại trên Cổng DVCQG');
  });

  it('DOSSIER_UNKNOWN on an add names something the dossier refers to: REFERENCE_UNKNOWN, permanent', async () => {
    portalAnswering(server, () => ({ error_code: -1, message: 'Thủ tục 1.001612 không tồn tại' }));
    const error = await failure(add());
    expect(error).toBeInstanceOf(PermanentError);
    expect(error).toMatchObject({ code: REFERENCE_UNKNOWN.code });
    expect(error.message).toContain('Thủ tục 1.001612 không tồn tại');
  });

  it('DOSSIER_UNKNOWN on the update that follows "already exists" stays retryable', async () => {
    portalAnswering(server, (body) =>
      body.isUpdating === 'False' ? { error_code: -3, message: 'Hồ sơ đã tồn tại' } : { error_code: -1, message: 'Hồ sơ không tồn tại' },
    );
    const error = await failure(add());
    expect(error).toBeInstanceOf(RetryableError);
    // The portal said the dossier exists, then that it does not: not an answer a working portal gives.
    expect(error).toMatchObject({ code: 'DOSSIER_UNKNOWN', providerFault: true });
  });

  it.each([
    ['THROTTLED', 'Quá nhiều yêu cầu, vui lòng thử lại'],
    ['PORTAL_BUSY', 'Lỗi hệ thống'],
  ])('%s is retryable', async (code, message) => {
    portalAnswering(server, () => ({ error_code: 500, message }));
    const error = await failure(add());
    expect(error).toBeInstanceOf(RetryableError);
    expect(error).toMatchObject({ code, providerFault: true });
  });

  it.each([
    ['THROTTLED', 'Quá nhiều yêu cầu, vui lòng thử lại'],
    ['PORTAL_BUSY', 'Lỗi hệ thống'],
  ])('%s on progress entries is the portal fault: the circuit breaker counts it', async (code, message) => {
    portalAnswering(server, () => ({ error_code: 500, message }));
    const error = await failure(progress());
    expect(error).toMatchObject({ code, providerFault: true });
  });

  it.each([
    'TrangThaiHoSo không hợp lệ (mã trạng thái 1-10)',
    'NgayTiepNhan sai định dạng yyyyMMddHHmmss',
    'MaTTHC không được để trống',
    'Trường ChuHoSo là bắt buộc',
  ])('VALIDATION "%s" is permanent and keeps the portal message', async (message) => {
    portalAnswering(server, () => ({ error_code: -1, message }));
    const error = await failure(add());
    expect(error).toBeInstanceOf(PermanentError);
    expect(error).toMatchObject({ code: 'VALIDATION' });
    expect(error.message).toContain(message);
  });

  it('an unknown answer is retryable', async () => {
    portalAnswering(server, () => ({ error_code: 77, message: 'Điều gì đó chưa ai thấy' }));
    const error = await failure(add());
    expect(error).toBeInstanceOf(RetryableError);
    expect(error).toMatchObject({ code: UNKNOWN_ANSWER.code });
  });

  it('LOGIN_REFUSED is permanent and never shows the password', async () => {
    server.use(http.post(loginUrl, () => HttpResponse.json({ error_code: -1, message: 'Sai tên đăng nhập hoặc mật khẩu' })));
    const error = await failure(add());
    expect(error).toBeInstanceOf(PermanentError);
    expect(error).toMatchObject({ code: 'LOGIN_REFUSED' });
    expect(JSON.stringify({ message: error.message, stack: error.stack })).not.toContain(password);
  });

  it.each([
    ['a session-refused answer', { error_code: 401, message: 'Unauthorized' }],
    ['a validation answer', { error_code: -1, message: 'username không được để trống' }],
    ['an unknown-unit answer', { error_code: -1, message: 'dstcode không tồn tại' }],
  ])('%s to the login itself is LOGIN_REFUSED, permanent', async (_, answer) => {
    server.use(http.post(loginUrl, () => HttpResponse.json(answer)));
    const error = await failure(add());
    expect(error).toBeInstanceOf(PermanentError);
    expect(error).toMatchObject({ code: 'LOGIN_REFUSED' });
  });

  it('a busy answer to the login stays retryable', async () => {
    server.use(http.post(loginUrl, () => HttpResponse.json({ error_code: -1, message: 'Hệ thống đang bận' })));
    expect(await failure(add())).toMatchObject({ code: 'PORTAL_BUSY' });
  });

  it('every row is exercised above', () => {
    expect(new Set(ANSWER_CODES.rows.map((row) => row.code))).toEqual(
      new Set(['OK', 'LOGIN_REFUSED', 'ALREADY_EXISTS', 'SESSION_REJECTED', 'DOSSIER_UNKNOWN', 'THROTTLED', 'PORTAL_BUSY', 'VALIDATION']),
    );
  });

  it('masks phone-like numbers in the portal message it keeps', async () => {
    portalAnswering(server, () => ({ error_code: -1, message: 'SoDienThoai 0981234567 không hợp lệ' }));
    const error = await failure(add());
    // Masked as the audit log masks a phone number.
    expect(error.message).toContain('0981***567');
    expect(error.message).not.toContain('0981234567');
  });
});

describe('the transport table', () => {
  it.each([
    [500, 'HTTP_500'],
    [502, 'HTTP_502'],
    [429, 'HTTP_429'],
  ])('HTTP %s is retryable', async (status, code) => {
    portalAnswering(server, () => new HttpResponse('busy', { status }));
    const error = await failure(add());
    expect(error).toBeInstanceOf(RetryableError);
    expect(error).toMatchObject({ code });
  });

  it('HTTP 503 with Retry-After is retryable after that long', async () => {
    portalAnswering(server, () => new HttpResponse('busy', { status: 503, headers: { 'retry-after': '7' } }));
    expect(await failure(add())).toMatchObject({ code: 'HTTP_503', retryAfterMs: 7000 });
  });

  it('HTTP 400 is permanent', async () => {
    portalAnswering(server, () => new HttpResponse('bad', { status: 400 }));
    const error = await failure(add());
    expect(error).toBeInstanceOf(PermanentError);
    expect(error).toMatchObject({ code: 'HTTP_400' });
  });

  it.each([401, 403])('HTTP %s on a service call means the session was refused: one login again', async (status) => {
    const sent = portalAnswering(server, (_, n) => (n === 0 ? new HttpResponse(null, { status }) : OK));
    await expect(add()).resolves.toMatchObject({ code: '0' });
    expect(sent.logins).toHaveLength(2);
  });

  it.each([401, 404])('HTTP %s on the login is LOGIN_REFUSED, permanent', async (status) => {
    server.use(http.post(loginUrl, () => new HttpResponse(null, { status })));
    const error = await failure(add());
    expect(error).toBeInstanceOf(PermanentError);
    expect(error).toMatchObject({ code: 'LOGIN_REFUSED' });
    expect(error.message).toContain(`HTTP ${status}`);
  });

  it('a network error is retryable', async () => {
    server.use(http.post(loginUrl, () => HttpResponse.error()));
    expect(await failure(add())).toBeInstanceOf(RetryableError);
  });

  it('a timeout is retryable', async () => {
    portalAnswering(server, () => new Promise<Response>((resolve) => setTimeout(() => resolve(HttpResponse.json(OK)), 2_000)));
    const error = await failure(add(context({ timeoutMs: 100 })));
    expect(error).toBeInstanceOf(RetryableError);
    expect(error).toMatchObject({ code: 'ETIMEDOUT' });
  });

  it.each([
    ['not JSON', () => new HttpResponse('<html>maintenance</html>', { headers: { 'content-type': 'text/html' } })],
    ['JSON without error_code', () => HttpResponse.json({ ok: true })],
  ])('a malformed answer (%s) is retryable', async (_, answer) => {
    portalAnswering(server, answer);
    const error = await failure(add());
    expect(error).toBeInstanceOf(RetryableError);
    expect(error).toMatchObject({ code: 'MALFORMED_ANSWER' });
  });
});
