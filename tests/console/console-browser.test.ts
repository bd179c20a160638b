/**
 * The console in a real browser, against the sandbox in a child process: what an operator does when the SMS carrier
 * refuses for a night, when a provider announces maintenance, and when a citizen asks where their dossier stands.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, afterEach, describe, expect, it } from 'vitest';
import { simulatorClient } from '../../core/sdk/testing.ts';
import { type ChildSandbox, startChildSandbox } from '../support/child-sandbox.ts';
import { expectAccessible, launchChromium, reloadUntil, screenshot, signIn } from './browser-support.ts';

const CLIENT_KEY = 'lt_test_client_console_browser_0001';
const OPERATOR_KEY = 'lt_test_operator_console_browser_0001';
const AGENCY = '000.00.01.H22';
const SMS = 'echo-sms';

let dir: string;
let gateway: ChildSandbox;
let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lienthong-console-'));
  [gateway, browser] = await Promise.all([
    startChildSandbox({
      LIENTHONG_DB: join(dir, 'lienthong.db'),
      LIENTHONG_SANDBOX_CLIENT_KEY: CLIENT_KEY,
      LIENTHONG_SANDBOX_OPERATOR_KEY: OPERATOR_KEY,
      LIENTHONG_TEST_DELIVERY: JSON.stringify({ baseDelayMs: 20, maxDelayMs: 100, maxAttempts: 3 }),
      LIENTHONG_TEST_WORKER: JSON.stringify({ pollIntervalMs: 50 }),
    }),
    launchChromium(),
  ]);
});
afterAll(async () => {
  await browser?.close();
  await gateway?.stop();
  await rm(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  context = await browser.newContext({ locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh' });
  context.setDefaultTimeout(10_000);
  page = await context.newPage();
});
afterEach(async () => {
  await context.close();
});

const smsSimulator = () => simulatorClient(gateway.simulators[SMS] as string);

async function callApi(path: string, body: Record<string, unknown>): Promise<{ status: number; body: Record<string, unknown> }> {
  const answer = await fetch(`${gateway.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${CLIENT_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ agency: AGENCY, ...body }),
  });
  return { status: answer.status, body: (await answer.json()) as Record<string, unknown> };
}

async function sendSms(text: string, reference?: string): Promise<string> {
  const answer = await callApi('/v1/sms/send', { to: '0981234567', text, ...(reference ? { reference } : {}) });
  expect(answer.status).toBe(202);
  return answer.body.id as string;
}

const statusOf = (page: Page) => page.locator('dl.facts dd').first().innerText();

describe('operator console in Chromium', () => {
  it('finds a message the SMS carrier refused, reads its attempts, and replays it by filter after the dry run', async () => {
    await signIn(page, gateway.url, OPERATOR_KEY);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Tổng quan');
    await expectAccessible(page, 'the overview');

    await smsSimulator().control({ failRate: 1, failMode: 'permanent' });
    const id = await sendSms('Ho so 000.00.01.H22-260301-0501 can bo sung giay to');

    // Find it with the filters, as an operator would.
    await page.getByRole('link', { name: 'Tin nhắn', exact: true }).click();
    await page.getByLabel('Trạng thái').selectOption('dead');
    await page.getByLabel('Phiên bản').selectOption(SMS);
    await page.getByRole('button', { name: 'Lọc', exact: true }).click();
    expect(page.url()).toContain('status=dead');
    expect(page.url()).toContain(`instance=${SMS}`);
    await reloadUntil(page, 'the dead SMS in the list', async () => (await page.locator(`tr[data-message="${id}"]`).count()) === 1);
    await expectAccessible(page, 'the message list');

    await page.getByRole('link', { name: id }).click();
    expect(await statusOf(page)).toContain('Thất bại');
    const attempt = page.locator('tr[data-attempt="0.1"]');
    expect(await attempt.innerText()).toContain('Thất bại');
    expect(await page.content()).not.toContain('0981234567');
    await expectAccessible(page, 'the message detail');
    await screenshot(page, 'console-message-detail');

    // The carrier is back: replay every dead SMS of the instance, after reading the dry run.
    await smsSimulator().control({ failRate: 0 });
    await page.goBack();
    await page.getByRole('button', { name: 'Gửi lại mọi tin lỗi khớp bộ lọc…' }).click();
    const plan = await page.locator('main').innerText();
    expect(plan).toContain('Sẽ đưa 1 tin nhắn lỗi trở lại hàng đợi');
    expect(await page.locator('table').innerText()).toMatch(new RegExp(`${SMS}\\s+1`));
    await page.getByRole('button', { name: 'Xác nhận gửi lại 1 tin' }).click();
    expect(await page.locator('main').innerText()).toContain('Đã đưa 1 tin nhắn trở lại hàng đợi.');

    await page.goto(`${gateway.url}/admin/messages/${id}`);
    await reloadUntil(page, 'the replayed SMS to succeed', async () => (await statusOf(page)).includes('Thành công'));
    expect(await page.locator('tr[data-attempt="1.1"]').innerText()).toContain('Thành công');
  });

  it('pauses the SMS instance: a new SMS waits with no attempt; resumed, it is delivered', async () => {
    await signIn(page, gateway.url, OPERATOR_KEY);
    await page.getByRole('link', { name: `Tạm dừng… ${SMS}` }).click();
    await page.getByLabel('Lý do').fill('Viettel bảo trì đến 23:00');
    await page.getByRole('button', { name: 'Xác nhận tạm dừng' }).click();
    expect(await page.locator('main').innerText()).toContain(`Đã tạm dừng phiên bản ${SMS}.`);
    expect(await page.locator(`tr[data-instance="${SMS}"]`).innerText()).toContain('Viettel bảo trì đến 23:00');
    await screenshot(page, 'console-overview');

    const before = (await smsSimulator().received()).length;
    const id = await sendSms('Ho so 000.00.01.H22-260301-0502 da co ket qua');
    await page.goto(`${gateway.url}/admin/messages/${id}`);
    expect(await statusOf(page)).toContain('Đang chờ');
    expect(await statusOf(page)).toContain('chờ vì phiên bản đang tạm dừng');
    // The worker polls every 50 ms: a few polls pass and still nothing is attempted.
    await new Promise((resolve) => setTimeout(resolve, 500));
    await page.reload();
    expect(await page.locator('main').innerText()).toContain('Chưa có lần gửi nào.');
    expect((await smsSimulator().received()).length).toBe(before);

    await page.goto(`${gateway.url}/admin`);
    await page.getByRole('link', { name: `Tiếp tục… ${SMS}` }).click();
    await page.getByRole('button', { name: 'Xác nhận tiếp tục' }).click();
    expect(await page.locator('main').innerText()).toContain(`Phiên bản ${SMS} đã hoạt động trở lại.`);
    await page.goto(`${gateway.url}/admin/messages/${id}`);
    await reloadUntil(page, 'the SMS to be delivered once resumed', async () => (await statusOf(page)).includes('Thành công'));
  });

  it("shows a dossier's portal sync, progress, SMS and paid payment in order, found from the search box", async () => {
    const code = `${AGENCY}-260301-0503`;
    const sync = await callApi('/v1/portal/syncDossier', {
      dossier: { code, procedureCode: '1.001612', procedureName: 'Đăng ký hộ kinh doanh', applicant: { name: 'Nguyễn Văn An', type: 'citizen', phone: '0981234567' }, receivedAt: '2026-03-01T08:00:00+07:00', status: 2 },
    });
    expect(sync.status).toBe(202);
    const progress = await callApi('/v1/portal/updateProgress', { dossierCode: code, entries: [{ handler: 'Trần Thị Bình', handledAt: '2026-03-01T09:00:00+07:00', content: 'Chuyển phòng chuyên môn', status: 4 }] });
    expect(progress.status).toBe(202);
    const sms = await sendSms(`Ho so ${code} da co ket qua`, code);
    const payment = await callApi('/v1/payment/create', { dossierCode: code, amount: 50_000, description: 'Lệ phí' });
    expect(payment.status).toBe(200);
    expect((await fetch(payment.body.paymentUrl as string, { method: 'POST', body: new URLSearchParams({ action: 'pay' }) })).status).toBe(200);

    await signIn(page, gateway.url, OPERATOR_KEY);
    await page.getByLabel('Tìm mã hồ sơ hoặc mã tin nhắn').fill(code);
    await page.getByLabel('Tìm mã hồ sơ hoặc mã tin nhắn').press('Enter');
    await page.waitForURL(`**/admin/dossiers/${code}`);
    const entries = async () => page.locator('ol.timeline > li').evaluateAll((items) => items.map((item) => `${item.getAttribute('data-kind')}:${item.querySelector('h3')?.textContent ?? ''}`));
    await reloadUntil(page, 'the payment paid and every message delivered', async () => {
      const text = await page.locator('main').innerText();
      return text.includes('paid') && !text.includes('Đang chờ') && !text.includes('Đang xử lý');
    });
    const order = await entries();
    const position = (pattern: RegExp) => order.findIndex((entry) => pattern.test(entry));
    expect(position(/^message:.*portal · syncDossier/)).toBe(0);
    expect(position(/^message:.*portal · updateProgress/)).toBe(1);
    expect(position(/^message:.*sms · send/)).toBe(2);
    expect(position(/^payment:/)).toBe(3);
    expect(order.slice(4).some((entry) => /^event:.*payment\.succeeded/.test(entry))).toBe(true);
    expect(await page.getByRole('link', { name: sms }).count()).toBe(1);
    const html = await page.content();
    for (const personal of ['0981234567', 'Nguyễn Văn An', 'Trần Thị Bình']) expect(html).not.toContain(personal);
    await expectAccessible(page, 'the dossier page');
    await screenshot(page, 'console-dossier');
  });

  it('verifies the audit chain from the audit page', async () => {
    await signIn(page, gateway.url, OPERATOR_KEY);
    await page.getByRole('link', { name: 'Nhật ký kiểm toán' }).click();
    await page.getByRole('button', { name: 'Kiểm tra toàn vẹn chuỗi nhật ký' }).click();
    expect(await page.getByRole('status').first().innerText()).toMatch(/Chuỗi nhật ký toàn vẹn: đã kiểm tra \d+ mục/);
    expect(await page.locator('main').innerText()).toContain('console.signed-in');
    await expectAccessible(page, 'the audit page');
  });

  it('refuses a client key at sign-in', async () => {
    await signIn(page, gateway.url, CLIENT_KEY);
    expect(await page.getByRole('alert').innerText()).toContain('Đây là khóa của phần mềm một cửa, không phải khóa vận hành');
    expect(page.url()).toMatch(/\/admin\/login$/);
  });

  it('refuses a form posted without its token', async () => {
    await signIn(page, gateway.url, OPERATOR_KEY);
    await page.locator('form[action="/admin/logout"] input[name="_csrf"]').evaluate((input) => input.remove());
    await page.getByRole('button', { name: 'Đăng xuất' }).click();
    expect(await page.getByRole('alert').innerText()).toContain('Biểu mẫu đã hết hạn hoặc không hợp lệ');
    // Still signed in: the refused form changed nothing.
    await page.goto(`${gateway.url}/admin`);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Tổng quan');
  });

  it('switches the labels to English and back, remembered across pages', async () => {
    await signIn(page, gateway.url, OPERATOR_KEY);
    await page.getByRole('link', { name: 'Chuyển sang tiếng Anh' }).click();
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Overview');
    await page.getByRole('link', { name: 'Messages', exact: true }).click();
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Messages');
    expect(await page.getByLabel('Status').count()).toBe(1);
    await page.getByRole('link', { name: 'Switch to Vietnamese' }).click();
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Tin nhắn');
  });
});

