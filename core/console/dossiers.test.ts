import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AGENCY_B, type TestGateway, adminHelpers, openTestGateway } from '../http/app-fixture.test-helper.ts';
import { DOSSIER_CODE as CODE, seedDossier } from '../http/dossier-fixture.test-helper.ts';
import { consoleBrowser, textOf } from './console-fixture.test-helper.ts';

let gateway: TestGateway;
beforeEach(async () => {
  gateway = await openTestGateway();
});
afterEach(async () => {
  await gateway.dispose();
});

const { send } = adminHelpers(() => gateway);

describe('console dossier page', () => {
  it('shows the portal sync, its progress, the SMS, the paid payment and its event in time order, masked, each linked', async () => {
    const sms = await seedDossier(gateway);
    const browser = consoleBrowser(() => gateway);
    await browser.signIn();
    const page = await browser.get(`/admin/dossiers/${CODE}`);
    expect(page.status).toBe(200);
    for (const personal of ['981234567', '046095001234', 'Nguyễn Văn An', 'Trần Thị Bình']) expect(page.html).not.toContain(personal);
    const order = [...page.html.matchAll(/<li data-kind="(\w+)" data-id="([^"]+)">/g)].map((match) => `${match[1]}:${match[2]}`);
    expect(order).toEqual(['message:msg_sync', 'message:msg_progress', `message:${sms}`, 'payment:PAY-1', 'event:msg_event']);
    for (const id of ['msg_sync', 'msg_progress', sms, 'msg_event']) expect(page.html).toContain(`href="/admin/messages/${id}"`);
    const text = textOf(page.html);
    expect(text).toContain('01/03/2026 08:00:00 — Tin nhắn · portal · syncDossier');
    expect(text).toContain('Thanh toán');
    expect(text).toContain('paid');
    expect(text).toContain('payment.succeeded');
  });

  it('finds a dossier from the search box, and a message by its id', async () => {
    const id = await send({ reference: CODE });
    const browser = consoleBrowser(() => gateway);
    await browser.signIn();
    expect((await browser.get(`/admin/search?q=${CODE}`)).response.headers.get('location')).toBe(`/admin/dossiers/${CODE}`);
    expect((await browser.get(`/admin/search?q=${id}`)).response.headers.get('location')).toBe(`/admin/messages/${id}`);
    expect((await browser.get('/admin/search?q=blocked')).response.headers.get('location')).toBe('/admin/messages?q=blocked');
  });

  it('says when the gateway has nothing for a code, masked, and shows a limited key only its agencies', async () => {
    await send({ reference: CODE });
    const limited = await gateway.newKey('operator', [AGENCY_B]);
    const browser = consoleBrowser(() => gateway);
    await browser.signIn(limited.token);
    const hidden = await browser.get(`/admin/dossiers/${CODE}`);
    expect(hidden.status).toBe(404);
    expect(textOf(hidden.html)).toContain(`Không có tin nhắn, thanh toán hay sự kiện nào cho mã hồ sơ ${CODE}`);
    const phone = await browser.get('/admin/dossiers/0981234567');
    // Shown masked; only the page's own address (in the language switch) still holds what was typed.
    expect(textOf(phone.html)).not.toContain('0981234567');
    expect(textOf(phone.html)).toContain('0981***567');
  });
});
