import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AGENCY_A, AGENCY_B, START, type TestGateway, adminHelpers, openTestGateway } from '../http/app-fixture.test-helper.ts';
import type { NewMessage } from '../store/types.ts';
import { consoleBrowser, textOf } from './console-fixture.test-helper.ts';

let gateway: TestGateway;
beforeEach(async () => {
  gateway = await openTestGateway();
});
afterEach(async () => {
  await gateway.dispose();
});

const { send } = adminHelpers(() => gateway);
const CODE = '000.00.01.H22-260301-0001';
const MINUTE = 60_000;

function stored(id: string, capability: string, operation: string, instance: string, payload: { agency: string } & Record<string, unknown>, at: number): NewMessage {
  return { id, capability, operation, agency: payload.agency, instance, plugin: instance, payload, reference: CODE, dossierCode: CODE, maxAttempts: 8, createdAt: at, expiresAt: at + 86_400_000 };
}

describe('console dossier page', () => {
  it('shows the portal sync, its progress, the SMS, the paid payment and its event in time order, masked, each linked', async () => {
    const { store } = gateway;
    const applicant = { name: 'Nguyễn Văn An', type: 'citizen', idNumber: '046095001234', phone: '0981234567' };
    await store.accept(stored('msg_sync', 'portal', 'syncDossier', 'portal-a', { agency: AGENCY_A, dossier: { code: CODE, procedureCode: '1.004227', applicant, status: 1 } }, START));
    await store.accept(
      stored('msg_progress', 'portal', 'updateProgress', 'portal-a', {
        agency: AGENCY_A,
        dossierCode: CODE,
        entries: [{ handler: 'Trần Thị Bình', handledAt: '2026-03-01T09:00:00+07:00', content: 'Đã tiếp nhận, gọi 0981234567', status: 2 }],
      }, START + MINUTE),
    );
    gateway.clock.t = START + 2 * MINUTE;
    const sms = await send({ reference: CODE, text: 'Ho so da co ket qua, goi 0981234567' });
    await store.createRecord({ instance: 'payment-a', key: 'PAY-1', status: 'pending', data: { agency: AGENCY_A, dossierCode: CODE, amount: 50_000, payer: { name: 'Nguyễn Văn An' } }, now: START + 3 * MINUTE, actor: 'test' });
    await store.transitionRecord({ instance: 'payment-a', key: 'PAY-1', from: ['pending'], to: 'paid', now: START + 4 * MINUTE, actor: 'test' });
    await store.accept(stored('msg_event', 'webhook', 'deliver', 'onestop', { agency: AGENCY_A, event: { type: 'payment.succeeded', timestamp: 't', data: { paymentId: 'PAY-1', dossierCode: CODE, amount: 50_000 } } }, START + 4 * MINUTE));
    await send({ reference: '000.00.01.H22-260301-0002' });

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
