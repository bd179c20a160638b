import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AGENCY_A, AGENCY_B, type TestGateway, adminHelpers, openTestGateway } from '../http/app-fixture.test-helper.ts';
import { consoleBrowser, textOf } from './console-fixture.test-helper.ts';
import { PAGE_SIZE } from './routes/messages.tsx';

let gateway: TestGateway;
beforeEach(async () => {
  gateway = await openTestGateway();
});
afterEach(async () => {
  await gateway.dispose();
});

const { send } = adminHelpers(() => gateway);
const listedIds = (html: string) => [...html.matchAll(/<tr data-message="([^"]+)">/g)].map((match) => match[1]);

describe('console messages', () => {
  it('filters by status, instance, agency, time and text, the filter kept in the URL and the form', async () => {
    const dead = await send({ text: 'Ho so 000.00.01.H22-260301-0007 can bo sung' });
    await gateway.killDue('sms-a', 'subscriber 0981234567 is blocked');
    gateway.clock.t += 60_000;
    const queued = await send();
    const other = await send({ agency: AGENCY_B });
    const browser = consoleBrowser(() => gateway);
    await browser.signIn();

    expect(listedIds((await browser.get('/admin/messages')).html)).toEqual([other, queued, dead]);
    const filtered = await browser.get('/admin/messages?status=dead&instance=sms-a');
    expect(listedIds(filtered.html)).toEqual([dead]);
    expect(filtered.html).toMatch(/<option value="dead" selected="">/);
    expect(filtered.html).toMatch(/<option value="sms-a" selected="">/);
    expect(listedIds((await browser.get(`/admin/messages?agency=${AGENCY_B}`)).html)).toEqual([other]);
    expect(listedIds((await browser.get('/admin/messages?since=2026-03-01T08:00:30')).html)).toEqual([other, queued]);
    expect(listedIds((await browser.get('/admin/messages?until=2026-03-01T08:00:30')).html)).toEqual([dead]);
    expect(listedIds((await browser.get('/admin/messages?q=blocked')).html)).toEqual([dead]);
    expect(listedIds((await browser.get(`/admin/messages?q=${dead}`)).html)).toEqual([dead]);

    // The error is masked as everywhere operators read it.
    expect(filtered.html).not.toContain('0981234567');
    expect(textOf(filtered.html)).toContain('subscriber 0981***567 is blocked');
    expect(textOf(filtered.html)).toContain('01/03/2026 08:00:00');
  });

  it('says which filter is wrong, in one line', async () => {
    const browser = consoleBrowser(() => gateway);
    await browser.signIn();
    const bad = await browser.get('/admin/messages?since=yesterday');
    expect(bad.status).toBe(400);
    expect(textOf(bad.html)).toContain('Bộ lọc "since" không hợp lệ: cần nhập ngày giờ, ví dụ 2026-03-01T08:00');
    expect((await browser.get('/admin/messages?status=lost')).status).toBe(400);
  });

  it('pages by keyset, the next link keeping the filter', async () => {
    const ids: string[] = [];
    for (let n = 0; n < PAGE_SIZE + 3; n += 1) ids.push(await send());
    const browser = consoleBrowser(() => gateway);
    await browser.signIn();
    const first = await browser.get('/admin/messages?status=queued');
    expect(listedIds(first.html)).toHaveLength(PAGE_SIZE);
    const next = /href="(\/admin\/messages\?status=queued&amp;cursor=\d+)"/.exec(first.html)?.[1]?.replace(/&amp;/g, '&');
    expect(next).toBeDefined();
    const second = await browser.get(next as string);
    expect(listedIds(second.html)).toEqual(ids.slice(0, 3).reverse());
  });

  it('shows a key limited to agencies only their messages', async () => {
    const mine = await send({ agency: AGENCY_B });
    const theirs = await send();
    const limited = await gateway.newKey('operator', [AGENCY_B]);
    const browser = consoleBrowser(() => gateway);
    await browser.signIn(limited.token);
    expect(listedIds((await browser.get('/admin/messages')).html)).toEqual([mine]);
    expect((await browser.get(`/admin/messages/${theirs}`)).status).toBe(404);
    expect((await browser.get(`/admin/messages/${mine}`)).status).toBe(200);
  });

  it('shows a message in full: masked payload, every attempt, its audit trail and its dossier', async () => {
    const id = await send({ to: '0981 234 567', reference: '000.00.01.H22-260301-0009' });
    gateway.clock.t += 2_000;
    await gateway.killDue('sms-a', 'subscriber 0981234567 is blocked');
    const browser = consoleBrowser(() => gateway);
    await browser.signIn();
    const page = await browser.get(`/admin/messages/${id}`);
    expect(page.status).toBe(200);
    const text = textOf(page.html);
    expect(page.html).not.toContain('0981 234 567');
    expect(page.html).not.toContain('0981234567');
    expect(text).toContain('Các lần gửi');
    expect(text).toMatch(/0 1 01\/03\/2026 08:00:02 0 ms Thất bại, không thử lại BLOCKED subscriber 0981\*\*\*567 is blocked/);
    expect(text).toContain('message.accepted');
    expect(page.html).toContain(`href="/admin/replay?scope=selected&amp;ids=${id}"`);
    expect(page.html).toContain(`href="/admin/messages/${id}/cancel"`);
    expect(text).toContain('Tạo lúc 01/03/2026 08:00:00');
    expect(text).toContain('"to": "8498****567"');
  });

  it('links the other messages of the same dossier', async () => {
    const code = '000.00.01.H22-260301-0011';
    const first = await send({ reference: code });
    const second = await send({ reference: code });
    const browser = consoleBrowser(() => gateway);
    await browser.signIn();
    const page = await browser.get(`/admin/messages/${first}`);
    expect(page.html).toContain(`href="/admin/dossiers/${code}"`);
    expect(page.html).toContain(`href="/admin/messages/${second}"`);
  });

  it('answers a message that does not exist with the console 404, in English once switched', async () => {
    const browser = consoleBrowser(() => gateway);
    await browser.signIn();
    await browser.get('/admin/language?to=en&back=/admin');
    const missing = await browser.get('/admin/messages/msg_nope');
    expect(missing.status).toBe(404);
    expect(textOf(missing.html)).toContain('There is no such page');
    expect(AGENCY_A).toBeTruthy();
  });
});
