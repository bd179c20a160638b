/** Progress batching: concurrent updateProgress calls share one CapNhatTienDoHoSoMC call, each gets its own outcome. */
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { PermanentError, RetryableError } from '../../core/sdk/index.ts';
import { useMswServer } from '../../core/sdk/testing.ts';
import { updateProgress } from './operations.ts';
import { AGENCY, context, entry, loginUrl, OK, portalAnswering } from './test-support/msw-portal.ts';

const server = useMswServer();

type Item = { MaHoSo: string; NoiDungXuLy: string };
const itemsOf = (body: Record<string, unknown>) => body.data as Item[];
const send = (ctx: ReturnType<typeof context>, dossierCode: string, steps: number[], agency = AGENCY) =>
  updateProgress({ agency, dossierCode, entries: steps.map((n) => entry(n)) }, ctx);

/** Answers each item by the rule, with the per-item list the simulator sends. */
const perItem = (failing: (item: Item) => string | undefined) => (body: Record<string, unknown>) => {
  const result = itemsOf(body).map((item, index) => {
    const problem = failing(item);
    return problem ? { index, MaHoSo: item.MaHoSo, error_code: -1, message: problem } : { index, MaHoSo: item.MaHoSo, error_code: 0, message: 'Thành công' };
  });
  const failed = result.some((item) => item.error_code !== 0);
  return failed ? { error_code: -1, message: 'Có tiến độ không cập nhật được', result } : { ...OK, result };
};

describe('progress batching', () => {
  it('sends calls that arrive together as one call, each message\'s entries together and in order', async () => {
    const sent = portalAnswering(server, perItem(() => undefined));
    const ctx = context({ progressBatchSize: 20, progressBatchWindowMs: 5 });
    const answers = await Promise.all([send(ctx, 'A', [1, 2, 3]), send(ctx, 'B', [1]), send(ctx, 'C', [1, 2])]);
    expect(answers).toEqual([0, 1, 2].map(() => ({ code: '0', message: 'Thành công' })));
    expect(sent.calls).toHaveLength(1);
    expect(itemsOf(sent.calls[0]?.json ?? {}).map((item) => `${item.MaHoSo}:${item.NoiDungXuLy}`)).toEqual([
      'A:Bước 1',
      'A:Bước 2',
      'A:Bước 3',
      'B:Bước 1',
      'C:Bước 1',
      'C:Bước 2',
    ]);
  });

  it('gives each caller the outcome of its own entries', async () => {
    portalAnswering(
      server,
      perItem((item) => {
        if (item.MaHoSo === 'UNKNOWN') return 'Hồ sơ UNKNOWN không tồn tại trên Cổng DVCQG';
        if (item.MaHoSo === 'BAD' && item.NoiDungXuLy === 'Bước 2') return 'TrangThai không hợp lệ (mã trạng thái 1-10)';
        return undefined;
      }),
    );
    const ctx = context();
    const [good, unknown, bad] = await Promise.allSettled([send(ctx, 'GOOD', [1]), send(ctx, 'UNKNOWN', [1]), send(ctx, 'BAD', [1, 2])]);
    expect(good).toEqual({ status: 'fulfilled', value: { code: '0', message: 'Thành công' } });
    expect(unknown.status === 'rejected' && unknown.reason).toBeInstanceOf(RetryableError);
    expect(unknown.status === 'rejected' && unknown.reason).toMatchObject({ code: 'DOSSIER_UNKNOWN', providerFault: false });
    expect(bad.status === 'rejected' && bad.reason).toBeInstanceOf(PermanentError);
    expect(bad.status === 'rejected' && bad.reason.message).toContain('TrangThai không hợp lệ');
  });

  it('matches per-entry results by MaHoSo when they carry no index', async () => {
    portalAnswering(server, (body) => ({
      error_code: -1,
      message: 'Có tiến độ không cập nhật được',
      results: itemsOf(body).map((item) => ({ MaHoSo: item.MaHoSo, error_code: item.MaHoSo === 'B' ? '-1' : '0', message: item.MaHoSo === 'B' ? 'NguoiXuLy không được để trống' : '' })),
    }));
    const ctx = context();
    const [a, b] = await Promise.allSettled([send(ctx, 'A', [1, 2]), send(ctx, 'B', [1])]);
    expect(a.status).toBe('fulfilled');
    expect(b.status === 'rejected' && b.reason).toMatchObject({ code: 'VALIDATION' });
  });

  it('resends one message per call when a batch is refused without per-entry results', async () => {
    const sent = portalAnswering(server, (body) =>
      itemsOf(body).some((item) => item.MaHoSo === 'BAD') ? { error_code: -1, message: 'TrangThai không hợp lệ' } : OK,
    );
    const ctx = context();
    const [good, bad] = await Promise.allSettled([send(ctx, 'GOOD', [1, 2]), send(ctx, 'BAD', [1])]);
    expect(good.status).toBe('fulfilled');
    expect(bad.status === 'rejected' && bad.reason).toBeInstanceOf(PermanentError);
    expect(sent.calls.map((call) => itemsOf(call.json).map((item) => item.MaHoSo).join(','))).toEqual(['GOOD,GOOD,BAD', 'GOOD,GOOD', 'BAD']);
  });

  it('an HTTP 4xx to a batch is resent one message per call', async () => {
    const sent = portalAnswering(server, (body) => (itemsOf(body).some((item) => item.MaHoSo === 'BAD') ? new HttpResponse('bad request', { status: 400 }) : OK));
    const ctx = context();
    const [good, bad] = await Promise.allSettled([send(ctx, 'GOOD', [1]), send(ctx, 'BAD', [1])]);
    expect(good.status).toBe('fulfilled');
    expect(bad.status === 'rejected' && bad.reason).toMatchObject({ code: 'HTTP_400' });
    expect(sent.calls.map((call) => itemsOf(call.json).map((item) => item.MaHoSo).join(','))).toEqual(['GOOD,BAD', 'GOOD', 'BAD']);
  });

  it('settles each caller of a resent batch on its own: one failed resend does not fail the others', async () => {
    portalAnswering(server, (body) => {
      const codes = itemsOf(body).map((item) => item.MaHoSo);
      if (codes.length > 1) return { error_code: -1, message: 'TrangThai không hợp lệ' };
      return codes[0] === 'A' ? OK : new HttpResponse(null, { status: 503 });
    });
    const ctx = context();
    const [a, b] = await Promise.allSettled([send(ctx, 'A', [1]), send(ctx, 'B', [1])]);
    expect(a).toEqual({ status: 'fulfilled', value: { code: '0', message: 'Thành công' } });
    expect(b.status === 'rejected' && b.reason).toMatchObject({ code: 'HTTP_503' });
  });

  it('does not resend a batch at once when the portal is busy: every caller retries later', async () => {
    const sent = portalAnswering(server, () => ({ error_code: -1, message: 'Hệ thống đang bận' }));
    const ctx = context();
    const outcomes = await Promise.allSettled([send(ctx, 'A', [1]), send(ctx, 'B', [1])]);
    for (const outcome of outcomes) expect(outcome.status === 'rejected' && outcome.reason).toMatchObject({ code: 'PORTAL_BUSY' });
    expect(outcomes.every((outcome) => outcome.status === 'rejected' && outcome.reason instanceof RetryableError)).toBe(true);
    expect(sent.calls).toHaveLength(1);
  });

  it('a refused call whose per-entry list leaves a caller\'s entries out fails that caller retryably', async () => {
    portalAnswering(server, (body) => ({
      error_code: -1,
      message: 'Có tiến độ không cập nhật được',
      result: itemsOf(body)
        .map((item, index) => ({ index, MaHoSo: item.MaHoSo, error_code: 0, message: 'Thành công' }))
        .filter((item) => item.MaHoSo === 'A'),
    }));
    const ctx = context();
    const [a, b] = await Promise.allSettled([send(ctx, 'A', [1, 2]), send(ctx, 'B', [1])]);
    expect(a.status).toBe('fulfilled');
    expect(b.status === 'rejected' && b.reason).toBeInstanceOf(RetryableError);
    expect(b.status === 'rejected' && b.reason).toMatchObject({ code: 'BATCH_UNATTRIBUTED' });
  });

  it('never takes another dossier\'s result: an index that points at another dossier\'s entry is not the caller\'s', async () => {
    // A portal that counts from 1: the index of A's second entry falls among B's.
    portalAnswering(server, (body) => ({
      error_code: -1,
      message: 'Có tiến độ không cập nhật được',
      result: itemsOf(body).map((item, index) =>
        item.MaHoSo === 'B' ? { index: index + 1, MaHoSo: 'B', error_code: -1, message: 'NguoiXuLy không được để trống' } : { index: index + 1, MaHoSo: item.MaHoSo, error_code: 0, message: 'Thành công' },
      ),
    }));
    const ctx = context();
    const outcomes = await Promise.allSettled([send(ctx, 'A', [1, 2]), send(ctx, 'B', [1])]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected']);
  });

  it('a refused login fails every caller, with one login and no resend', async () => {
    let logins = 0;
    server.use(
      http.post(loginUrl, () => {
        logins += 1;
        return HttpResponse.json({ error_code: -1, message: 'Sai tên đăng nhập hoặc mật khẩu' });
      }),
    );
    const ctx = context();
    const outcomes = await Promise.allSettled([send(ctx, 'A', [1]), send(ctx, 'B', [1])]);
    for (const outcome of outcomes) expect(outcome.status === 'rejected' && outcome.reason).toMatchObject({ code: 'LOGIN_REFUSED' });
    expect(logins).toBe(1);
  });

  it('takes a success without per-entry results for every caller', async () => {
    const sent = portalAnswering(server, () => OK);
    const ctx = context();
    await expect(Promise.all([send(ctx, 'A', [1]), send(ctx, 'B', [1])])).resolves.toHaveLength(2);
    expect(sent.calls).toHaveLength(1);
  });

  it('a transport failure of the shared call fails every caller with it', async () => {
    portalAnswering(server, () => new HttpResponse(null, { status: 503 }));
    const ctx = context();
    const outcomes = await Promise.allSettled([send(ctx, 'A', [1]), send(ctx, 'B', [1])]);
    for (const outcome of outcomes) expect(outcome.status === 'rejected' && outcome.reason).toMatchObject({ code: 'HTTP_503' });
  });

  it('never puts more than progressBatchSize entries in a call, and never splits a message', async () => {
    const sent = portalAnswering(server, perItem(() => undefined));
    const ctx = context({ progressBatchSize: 4, progressBatchWindowMs: 20 });
    await Promise.all([send(ctx, 'A', [1, 2]), send(ctx, 'B', [1, 2]), send(ctx, 'C', [1, 2, 3]), send(ctx, 'D', [1, 2, 3, 4, 5, 6])]);
    expect(sent.calls.map((call) => itemsOf(call.json).map((item) => item.MaHoSo).join(''))).toEqual(['AABB', 'CCC', 'DDDDDD']);
  });

  it('with progressBatchSize 1, sends each message on its own', async () => {
    const sent = portalAnswering(server, () => OK);
    const ctx = context({ progressBatchSize: 1 });
    await Promise.all([send(ctx, 'A', [1, 2]), send(ctx, 'B', [1])]);
    expect(sent.calls.map((call) => itemsOf(call.json).map((item) => item.MaHoSo).join(''))).toEqual(['AA', 'B']);
  });

  it('keeps agencies (madonvi) in separate calls', async () => {
    const sent = portalAnswering(server, () => OK);
    const ctx = context();
    await Promise.all([send(ctx, 'A', [1]), send(ctx, 'B', [1], '000.00.02.H22'), send(ctx, 'C', [1])]);
    expect(sent.calls.map((call) => `${String(call.json.madonvi)}:${itemsOf(call.json).map((item) => item.MaHoSo).join('')}`).sort()).toEqual([
      '000.00.01.H22:AC',
      '000.00.02.H22:B',
    ]);
  });

  it('a caller that gave up does not abort the call for the others', async () => {
    const sent = portalAnswering(server, async () => {
      await new Promise((resolve) => setTimeout(resolve, 50));
      return OK;
    });
    const ctx = context();
    const gaveUp = new AbortController();
    const impatient = send({ ...ctx, signal: gaveUp.signal }, 'A', [1]);
    const patient = send(ctx, 'B', [1]);
    setTimeout(() => gaveUp.abort(), 15);
    await expect(patient).resolves.toMatchObject({ code: '0' });
    await impatient.catch(() => undefined);
    expect(sent.calls).toHaveLength(1);
  });
});
