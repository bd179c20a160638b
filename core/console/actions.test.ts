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
const replayEntries = async () => (await gateway.store.listAudit({}, 1000)).filter((entry) => entry.action === 'message.replayed');

describe('console actions', () => {
  it('replays by filter: the dry run says how many per instance, nothing changes until confirmed, then says how many were queued', async () => {
    await send();
    await send();
    await send({ agency: AGENCY_B });
    await gateway.killDue('sms-a');
    await gateway.killDue('sms-all');
    const browser = consoleBrowser(() => gateway);
    await browser.signIn();

    const plan = await browser.get('/admin/replay?scope=filter&status=dead&capability=sms');
    expect(plan.status).toBe(200);
    const text = textOf(plan.html);
    expect(text).toContain('Sẽ đưa 3 tin nhắn lỗi trở lại hàng đợi');
    expect(text).toMatch(/sms-a 2 sms-all 1/);
    expect((await gateway.messages()).every((message) => message.status === 'dead')).toBe(true);
    expect(await replayEntries()).toEqual([]);

    const done = await browser.post('/admin/replay', { scope: 'filter', status: 'dead', capability: 'sms' });
    expect(done.status).toBe(200);
    expect(textOf(done.html)).toContain('Đã đưa 3 tin nhắn trở lại hàng đợi.');
    expect((await gateway.messages()).every((message) => message.status === 'queued')).toBe(true);
    expect((await replayEntries()).map((entry) => entry.actor)).toEqual(Array(3).fill(`key:${gateway.operator.key.id}`));
    expect(gateway.notify).toHaveBeenCalled();
  });

  it('replays the selected messages only, after their dry run', async () => {
    const [first, second] = [await send(), await send()];
    await gateway.killDue('sms-a');
    const browser = consoleBrowser(() => gateway);
    await browser.signIn();
    const list = await browser.get('/admin/messages?status=dead');
    expect(list.html).toContain(`<input type="checkbox" name="ids" value="${first}"`);
    const plan = await browser.get(`/admin/replay?scope=selected&ids=${first}`);
    expect(textOf(plan.html)).toContain('Sẽ đưa 1 tin nhắn lỗi trở lại hàng đợi');
    const done = await browser.post('/admin/replay', { scope: 'selected', ids: [first as string] });
    expect(textOf(done.html)).toContain('Đã đưa 1 tin nhắn trở lại hàng đợi.');
    expect((await gateway.message(first as string)).status).toBe('queued');
    expect((await gateway.message(second as string)).status).toBe('dead');
  });

  it('replays nothing of another agency, nor without the form token', async () => {
    const theirs = await send();
    await gateway.killDue('sms-a');
    const limited = await gateway.newKey('operator', [AGENCY_B]);
    const browser = consoleBrowser(() => gateway);
    await browser.signIn(limited.token);
    await browser.get('/admin/messages');
    expect(textOf((await browser.get(`/admin/replay?scope=selected&ids=${theirs}`)).html)).toContain('Không có tin nhắn lỗi nào để gửi lại');
    expect(textOf((await browser.post('/admin/replay', { scope: 'selected', ids: [theirs] })).html)).toContain('Đã đưa 0 tin nhắn');
    expect((await browser.post('/admin/replay', { scope: 'filter', _csrf: '' })).status).toBe(403);
    expect((await gateway.message(theirs)).status).toBe('dead');
  });

  it('says nothing was selected rather than replaying everything', async () => {
    const browser = consoleBrowser(() => gateway);
    await browser.signIn();
    const none = await browser.get('/admin/replay?scope=selected');
    expect(none.status).toBe(400);
    expect(textOf(none.html)).toContain('Chưa chọn tin nhắn nào');
  });

  it('cancels a queued message with a reason, audited and masked; a reason is required', async () => {
    const id = await send();
    const browser = consoleBrowser(() => gateway);
    await browser.signIn();
    const page = await browser.get(`/admin/messages/${id}/cancel`);
    expect(page.html).toContain('<label for="reason">Lý do hủy</label>');
    expect((await browser.post(`/admin/messages/${id}/cancel`, { reason: '' })).status).toBe(400);
    const done = await browser.post(`/admin/messages/${id}/cancel`, { reason: 'Cong dan 0981234567 da nhan truc tiep' });
    expect(done.status).toBe(303);
    const detail = await browser.get(done.response.headers.get('location') as string);
    expect(textOf(detail.html)).toContain(`Đã hủy tin nhắn ${id}.`);
    expect(textOf(detail.html)).toContain('Đã hủy');
    const [entry] = (await gateway.store.listAudit({ messageId: id }, 100)).filter((each) => each.action === 'message.cancelled');
    expect(entry).toMatchObject({ actor: `key:${gateway.operator.key.id}` });
    expect(JSON.stringify(entry)).not.toContain('0981234567');
    expect(JSON.stringify(entry)).toContain('da nhan truc tiep');
    // Cancelled is final: asked again, the page says why not.
    const again = await browser.post(`/admin/messages/${id}/cancel`, { reason: 'again' });
    expect(textOf(again.html)).toContain('Không hủy được tin nhắn ở trạng thái "Thất bại"');
  });
});
