import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type TestGateway, openTestGateway } from '../http/app-fixture.test-helper.ts';
import { type Connection, openConnection } from '../store/sqlite/connection.ts';
import { consoleBrowser, textOf } from './console-fixture.test-helper.ts';
import { CONSOLE_CSP } from './page-headers.ts';

let gateway: TestGateway;
let holder: Connection | undefined;
beforeEach(async () => {
  gateway = await openTestGateway({ store: { busyTimeoutMs: 50, probeIntervalMs: 20 } });
});
afterEach(async () => {
  await holder?.close().catch(() => undefined);
  holder = undefined;
  await gateway.dispose();
});

describe('console error pages', () => {
  it('answers an unknown page with a 404 page in the console language, signed in or not', async () => {
    const browser = consoleBrowser(() => gateway);
    await browser.signIn();
    const vi = await browser.get('/admin/no/such/page');
    expect(vi.status).toBe(404);
    expect(vi.response.headers.get('content-type')).toMatch(/text\/html/);
    expect(vi.response.headers.get('content-security-policy')).toBe(CONSOLE_CSP);
    expect(textOf(vi.html)).toContain('Không có trang này: kiểm tra địa chỉ hoặc quay về trang Tổng quan.');
    await browser.get('/admin/language?to=en&back=/admin');
    expect(textOf((await browser.get('/admin/no/such/page')).html)).toContain('There is no such page: check the address or go back to the overview.');
  });

  it('answers 503 with Retry-After and a page saying to wait, when the store cannot write', async () => {
    const browser = consoleBrowser(() => gateway);
    await browser.get('/admin/login');
    holder = await openConnection(gateway.file);
    await holder.exec('BEGIN IMMEDIATE');
    // Signing in writes its audit entry: refused while another process holds the write lock.
    const page = await browser.post('/admin/login', { key: gateway.operator.token });
    expect(page.status).toBe(503);
    expect(page.response.headers.get('retry-after')).toBe('5');
    expect(textOf(page.html)).toContain('Cổng kết nối tạm thời không đọc/ghi được kho dữ liệu: đợi 5 giây rồi tải lại trang');
    expect(browser.jar.has('lienthong_console')).toBe(false);
  });
});
