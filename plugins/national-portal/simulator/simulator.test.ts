/** The simulator over real HTTP on 127.0.0.1, driven by the plugin's own operations. */
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PermanentError, RetryableError, Secret, type OperationContext, type RunningSimulator } from '../../../core/sdk/index.ts';
import { simulatorClient, type SimulatorClient } from '../../../core/sdk/testing.ts';
import type { PortalConfig } from '../config.ts';
import { listProcedures, lookupDossier, syncDossier, updateProgress } from '../operations.ts';
import { loginsOf } from '../session.ts';
import { testConfig } from '../test-support/config.ts';
import { portalContext } from '../test-support/context.ts';
import { AGENCY, dossier, entry, failure } from '../test-support/msw-portal.ts';
import type { DossierHistory, Refusal } from './portal.ts';
import { AUTH_PATH, INTEGRATION_PATH, startPortalSimulator } from './server.ts';

const account = { username: 'sim_user', password: `pw-${Math.random().toString(36).slice(2)}`, dstcode: AGENCY };
let simulator: RunningSimulator;
let controls: SimulatorClient;

beforeEach(async () => {
  simulator = await startPortalSimulator({ host: '127.0.0.1', port: 0, log: pino({ level: 'silent' }), account });
  controls = simulatorClient(simulator.url);
});
afterEach(async () => {
  await simulator.close();
});

function context(config: Partial<PortalConfig> = {}): OperationContext<PortalConfig> {
  const { username, password, dstcode } = account;
  return portalContext(
    testConfig({ adapterUrl: simulator.url, authPath: AUTH_PATH, integrationPath: INTEGRATION_PATH, username, password: new Secret(password), dstcode, ...config }),
  );
}

const received = () => controls.received<DossierHistory | Refusal>();

const histories = async () => (await received()).filter((entry): entry is DossierHistory => 'MaHoSo' in entry && 'progress' in entry);

describe('national portal simulator', () => {
  it('takes an add, then an update of a dossier it has, and lists its history with progress in arrival order', async () => {
    const ctx = context();
    await expect(syncDossier({ agency: AGENCY, dossier }, ctx)).resolves.toEqual({ code: '0', message: 'Thành công' });
    await updateProgress({ agency: AGENCY, dossierCode: dossier.code, entries: [entry(1), entry(2)] }, ctx);
    await expect(syncDossier({ agency: AGENCY, dossier: { ...dossier, status: 4 } }, ctx)).resolves.toMatchObject({ updated: true });
    await updateProgress({ agency: AGENCY, dossierCode: dossier.code, entries: [entry(3)] }, ctx);
    const [history] = await histories();
    expect(history).toMatchObject({ MaHoSo: dossier.code, madonvi: AGENCY, adds: 1, updates: 1, dossier: { TrangThaiHoSo: 4, NgayTiepNhan: '20261122063000' } });
    expect(history?.progress.map((item) => item.NoiDungXuLy)).toEqual(['Bước 1', 'Bước 2', 'Bước 3']);
    expect(history?.progress[0]).toMatchObject({ ThoiDiemXuLy: '20261122090000', TrangThai: 4 });
    expect(loginsOf(ctx.instance)).toBe(1);
    expect(await (await fetch(`${simulator.url}/__stats`)).json()).toEqual({ logins: 1, calls: { DongBoHoSoMC: 3, CapNhatTienDoHoSoMC: 2 } });
  });

  it("counts the calls that carried a dossier as its history's deliveries, one per call however many entries", async () => {
    const ctx = context();
    await syncDossier({ agency: AGENCY, dossier }, ctx);
    await updateProgress({ agency: AGENCY, dossierCode: dossier.code, entries: [entry(1), entry(2)] }, { ...ctx, config: { ...ctx.config, progressBatchSize: 10 } });
    expect(await histories()).toMatchObject([{ MaHoSo: dossier.code, adds: 1, deliveries: 2 }]);
    expect((await histories())[0]?.progress).toHaveLength(2);
  });

  it('refuses progress for a dossier it does not know: retryable, recorded as refused', async () => {
    const error = await failure(updateProgress({ agency: AGENCY, dossierCode: 'HS-NONE', entries: [entry(1)] }, context()));
    expect(error).toBeInstanceOf(RetryableError);
    expect(error).toMatchObject({ code: 'DOSSIER_UNKNOWN' });
    expect(await received()).toMatchObject([{ service: 'CapNhatTienDoHoSoMC', MaHoSo: 'HS-NONE', rejected: 'Hồ sơ HS-NONE không tồn tại trên Cổng DVCQG' }]);
  });

  it('answers per-entry results in a batch: the known dossier\'s entries are taken, the unknown one\'s refused', async () => {
    const ctx = context();
    await syncDossier({ agency: AGENCY, dossier }, ctx);
    const outcomes = await Promise.allSettled([
      updateProgress({ agency: AGENCY, dossierCode: dossier.code, entries: [entry(1), entry(2)] }, ctx),
      updateProgress({ agency: AGENCY, dossierCode: 'HS-NONE', entries: [entry(1)] }, ctx),
    ]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected']);
    expect((await histories())[0]?.progress).toHaveLength(2);
  });

  it.each([
    ['a status outside 1-10', { status: 11 }, 'TrangThaiHoSo không hợp lệ (mã trạng thái 1-10)'],
    ['a missing procedure code', { procedureCode: '' }, 'MaTTHC không được để trống'],
  ])('refuses a dossier with %s, permanently, with its message', async (_, change, message) => {
    const error = await failure(syncDossier({ agency: AGENCY, dossier: { ...dossier, ...change } }, context()));
    expect(error).toBeInstanceOf(PermanentError);
    expect(error.message).toContain(message);
  });

  it('refuses a date not in yyyyMMddHHmmss', async () => {
    const answer = await rawCall({ service: 'DongBoHoSoMC', isUpdating: 'False', data: [{ MaHoSo: 'X', MaTTHC: '1', ChuHoSo: 'A', LoaiDoiTuong: 1, NgayTiepNhan: '2026-11-21', TrangThaiHoSo: 1 }] });
    expect(answer).toEqual({ error_code: -1, message: 'NgayTiepNhan sai định dạng yyyyMMddHHmmss' });
  });

  it('refuses a wrong password at login, permanently', async () => {
    const error = await failure(syncDossier({ agency: AGENCY, dossier }, context({ password: new Secret('wrong') })));
    expect(error).toBeInstanceOf(PermanentError);
    expect(error).toMatchObject({ code: 'LOGIN_REFUSED' });
  });

  it('expires sessions on request: the next call logs in again, once', async () => {
    const ctx = context();
    await syncDossier({ agency: AGENCY, dossier }, ctx);
    expect(await controls.control({ expireSessions: true })).toMatchObject({ expiredSessions: 1, failRate: 0 });
    await Promise.all([1, 2, 3].map((n) => updateProgress({ agency: AGENCY, dossierCode: dossier.code, entries: [entry(n)] }, { ...ctx, config: { ...ctx.config, progressBatchSize: 1 } })));
    expect(loginsOf(ctx.instance)).toBe(2);
  });

  it('looks dossiers and procedures up', async () => {
    const ctx = context();
    await syncDossier({ agency: AGENCY, dossier }, ctx);
    await expect(lookupDossier({ agency: AGENCY, dossierCode: dossier.code }, ctx)).resolves.toMatchObject({ found: true, status: 2 });
    await expect(lookupDossier({ agency: AGENCY, dossierCode: 'HS-NONE' }, ctx)).resolves.toEqual({ found: false, dossierCode: 'HS-NONE' });
    expect((await listProcedures({ agency: AGENCY }, ctx)).procedures.length).toBeGreaterThan(1);
    await expect(listProcedures({ agency: AGENCY, procedureCode: '2.000635' }, ctx)).resolves.toEqual({
      procedures: [{ code: '2.000635', name: 'Cấp bản sao trích lục hộ tịch', fieldName: 'Hộ tịch' }],
    });
  });

  it('plays transient faults as 503 then 500, both retryable, and takes nothing', async () => {
    const ctx = context();
    await syncDossier({ agency: AGENCY, dossier }, ctx);
    await controls.control({ failRate: 1, failMode: 'transient' });
    expect(await failure(syncDossier({ agency: AGENCY, dossier }, ctx))).toMatchObject({ code: 'HTTP_503', retryAfterMs: 1000 });
    expect(await failure(syncDossier({ agency: AGENCY, dossier }, ctx))).toMatchObject({ code: 'HTTP_500' });
    expect((await histories())[0]).toMatchObject({ adds: 1, updates: 0 });
  });

  it('plays a permanent fault as a validation refusal, and a timeout as a held request', async () => {
    await controls.control({ failRate: 1, failMode: 'permanent' });
    expect(await failure(syncDossier({ agency: AGENCY, dossier }, context()))).toBeInstanceOf(PermanentError);
    await controls.control({ failMode: 'timeout' });
    expect(await failure(syncDossier({ agency: AGENCY, dossier }, context({ timeoutMs: 200 })))).toMatchObject({ code: 'ETIMEDOUT' });
  });

  it('refuses bad control settings and empties the listing on DELETE /__received', async () => {
    const postControl = (settings: Record<string, unknown>) => fetch(`${simulator.url}/__control`, { method: 'POST', body: JSON.stringify(settings) });
    expect((await postControl({ expireSessions: 'yes' })).status).toBe(400);
    expect((await postControl({ failRate: 2 })).status).toBe(400);
    await syncDossier({ agency: AGENCY, dossier }, context());
    expect(await received()).toHaveLength(1);
    expect((await fetch(`${simulator.url}/__received`, { method: 'DELETE' })).status).toBe(204);
    expect(await received()).toEqual([]);
  });
});

/** A service call with a fresh session, outside the plugin, to see the portal's own answer. */
async function rawCall(fields: Record<string, unknown>): Promise<unknown> {
  const login = await fetch(`${simulator.url}${AUTH_PATH}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', dstcode: account.dstcode },
    body: JSON.stringify({ username: account.username, password: account.password }),
  });
  const { session } = (await login.json()) as { session: string };
  const answer = await fetch(`${simulator.url}${INTEGRATION_PATH}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ session, madonvi: AGENCY, ...fields }),
  });
  return answer.json();
}
