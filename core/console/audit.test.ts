import sqlite3 from 'sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AGENCY_B, type TestGateway, adminHelpers, openTestGateway } from '../http/app-fixture.test-helper.ts';
import { consoleBrowser, textOf } from './console-fixture.test-helper.ts';

let gateway: TestGateway;
beforeEach(async () => {
  gateway = await openTestGateway();
});
afterEach(async () => {
  await gateway.dispose();
});

const { send } = adminHelpers(() => gateway);

/** Edits the file behind the gateway's back, as someone with access to the disk could. */
async function tamper(sql: string): Promise<void> {
  const db = await new Promise<sqlite3.Database>((resolve, reject) => {
    const opened: sqlite3.Database = new sqlite3.Database(gateway.file, (error) => (error ? reject(error) : resolve(opened)));
  });
  await new Promise<void>((resolve, reject) => db.run(sql, (error) => (error ? reject(error) : resolve())));
  await new Promise<void>((resolve) => db.close(() => resolve()));
}

describe('console audit page', () => {
  it("verifies the chain and shows the verdict: intact, then the first entry altered", async () => {
    await send();
    const browser = consoleBrowser(() => gateway);
    await browser.signIn();
    await browser.get('/admin/audit');
    const intact = await browser.post('/admin/audit/verify');
    expect(intact.status).toBe(200);
    expect(textOf(intact.html)).toMatch(/Chuỗi nhật ký toàn vẹn: đã kiểm tra \d+ mục/);

    await tamper(`UPDATE audit_log SET actor = 'key:someone_else' WHERE seq = 2`);
    const altered = await browser.post('/admin/audit/verify');
    expect(textOf(altered.html)).toMatch(/Chuỗi nhật ký bị thay đổi tại mục số 2/);
  });

  it('browses entries by time and by message, in Vietnam time', async () => {
    const id = await send();
    const browser = consoleBrowser(() => gateway);
    await browser.signIn();
    const recent = await browser.get('/admin/audit');
    expect(textOf(recent.html)).toContain('message.accepted');
    expect(textOf(recent.html)).toContain('console.signed-in');
    expect(textOf(recent.html)).toContain('01/03/2026 08:00:00');
    const ofMessage = await browser.get(`/admin/audit?messageId=${id}`);
    expect(textOf(ofMessage.html)).toContain('message.accepted');
    expect(textOf(ofMessage.html)).not.toContain('console.signed-in');
    const later = await browser.get('/admin/audit?since=2026-03-01T09:00');
    expect(textOf(later.html)).toContain('Không có mục nhật ký nào khớp.');
  });

  it("lets a key limited to agencies read only its messages' trails, and not verify the whole log", async () => {
    const theirs = await send();
    const limited = await gateway.newKey('operator', [AGENCY_B]);
    const browser = consoleBrowser(() => gateway);
    await browser.signIn(limited.token);
    const page = await browser.get('/admin/audit');
    expect(textOf(page.html)).toContain('Khóa của bạn chỉ xem được nhật ký của tin nhắn thuộc cơ quan mình');
    expect(page.html).not.toContain('action="/admin/audit/verify"');
    expect((await browser.get(`/admin/audit?messageId=${theirs}`)).status).toBe(400);
    const refused = await browser.post('/admin/audit/verify');
    expect(textOf(refused.html)).toContain('Chỉ khóa vận hành cho mọi cơ quan mới kiểm tra được toàn bộ nhật ký.');
  });
});
