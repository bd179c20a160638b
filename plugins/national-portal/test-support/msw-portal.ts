/**
 * Test support for the msw tests: a context against a fake adapter, and handlers that keep what the plugin sent
 * (login and service calls) and answer with what each test scripts.
 */
import { randomBytes } from 'node:crypto';
import { http, HttpResponse } from 'msw';
import type { SetupServer } from 'msw/node';
import { Secret, type OperationContext } from '../../../core/sdk/index.ts';
import { type ConfigOverrides, recordJsonRequests } from '../../../core/sdk/testing.ts';
import type { PortalConfig } from '../config.ts';
import { testConfig } from './config.ts';
import { AGENCY, portalContext } from './context.ts';
export { failure } from '../../../core/sdk/testing.ts';

export { AGENCY };

export const adapterUrl = 'http://adapter.portal.test';
export const loginUrl = `${adapterUrl}/api/auth/login`;
export const serviceUrl = `${adapterUrl}/api/integration`;
export const password = `pw-${randomBytes(8).toString('hex')}`;

/** A context against the fake adapter, of a fresh instance id. */
export function context(config: ConfigOverrides<PortalConfig> = {}, overrides: Partial<OperationContext<PortalConfig>> = {}): OperationContext<PortalConfig> {
  return portalContext(testConfig({ adapterUrl, password: new Secret(password), ...config }), overrides);
}

export type Answer = Response | Record<string, unknown>;

/**
 * Answers logins with sessions `s1`, `s2`, … and service calls with `answer(body, n)` (n counts service calls
 * from 0); keeps everything sent.
 */
export function portalAnswering(server: SetupServer, answer: (body: Record<string, unknown>, n: number) => Answer | Promise<Answer>) {
  const logins = recordJsonRequests();
  const calls = recordJsonRequests();
  server.use(
    http.post(loginUrl, async ({ request }) => {
      await logins.record(request);
      return HttpResponse.json({ error_code: 0, message: 'Thành công', session: `s${logins.sent.length}` });
    }),
    http.post(serviceUrl, async ({ request }) => {
      const { json } = await calls.record(request);
      const answered = await answer(json, calls.sent.length - 1);
      return answered instanceof Response ? answered : HttpResponse.json(answered);
    }),
  );
  return { logins: logins.sent, calls: calls.sent };
}

export const OK = { error_code: 0, message: 'Thành công' };


/** A dossier of the unified API, with personal data made up. */
export const dossier = {
  code: '000.00.01.H22-261121-0001',
  procedureCode: '1.001612',
  procedureName: 'Đăng ký thành lập hộ kinh doanh',
  fieldCode: 'HKD',
  fieldName: 'Thành lập và hoạt động của hộ kinh doanh',
  receiptNumber: 'BN-0001',
  applicant: { name: 'Đặng Văn Ấn', type: 'citizen' as const, idNumber: '046090001234', phone: '0981234567', email: 'an@example.vn', address: '1 Lê Lợi, Huế' },
  summary: 'Đăng ký hộ kinh doanh',
  // 23:30 UTC is already the next day in Vietnam.
  receivedAt: '2026-11-21T23:30:00Z',
  dueAt: '2026-11-28T17:00:00+07:00',
  status: 2,
  online: true,
  processingUnit: 'Phòng Tài chính - Kế hoạch',
  note: 'Ghi chú',
  fees: [{ name: 'Lệ phí đăng ký', code: 'LP01', method: 'Trực tuyến', amount: 100000, kind: '1' }],
  submittedFiles: [{ id: 'F1', name: 'Đơn đề nghị.pdf', componentCode: 'TP1', url: 'https://files.test/F1', deleted: false }],
  results: [{ id: 'R1', name: 'Giấy chứng nhận', componentCode: 'KQ1', url: 'https://files.test/R1' }],
};

export const entry = (n: number, handledAt = '2026-11-22T02:00:00Z') => ({
  handler: `Cán bộ ${n}`,
  position: 'Chuyên viên',
  handledAt,
  department: 'Bộ phận một cửa',
  content: `Bước ${n}`,
  status: 4,
});
