import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AGENCY_A, AGENCY_B, type TestGateway, adminHelpers, openTestGateway } from '../http/app-fixture.test-helper.ts';
import { consoleBrowser, textOf } from './console-fixture.test-helper.ts';

let gateway: TestGateway;
beforeEach(async () => {
  gateway = await openTestGateway();
});
afterEach(async () => {
  await gateway.dispose();
});

const { send } = adminHelpers(() => gateway);
/** The text of one instance's row of the overview. */
const rowOf = (html: string, instance: string) => textOf(new RegExp(`<tr data-instance="${instance}">([\\s\\S]*?)</tr>`).exec(html)?.[1] ?? '');

describe('console overview', () => {
  it("shows each instance's circuit, pause, health, queue and last hour, the counts, and refreshes itself", async () => {
    await send();
    await gateway.killDue('sms-a');
    await send();
    gateway.clock.t += 5 * 60_000;
    const browser = consoleBrowser(() => gateway);
    await browser.signIn();
    const page = await browser.get('/admin');
    expect(page.status).toBe(200);
    expect(textOf(page.html)).toContain('Số liệu lúc 01/03/2026 08:05:00');
    const row = rowOf(page.html, 'sms-a');
    expect(row).toContain('Đóng (bình thường)');
    expect(row).toContain('Không');
    expect(row).toContain('5 min');
    expect(row).toMatch(/ 1 0 1 0 5 min 1 100 % /);
    expect(page.html).toContain('href="/admin/messages?status=dead&amp;instance=sms-a"');
    expect(page.html).toContain('href="/admin/messages?status=dead&amp;capability=sms&amp;agency=000.00.01.H22"');
    expect(page.html).toMatch(/hx-get="\/admin\/overview\/live" hx-trigger="every 10s"/);

    const live = await browser.get('/admin/overview/live', { 'hx-request': 'true' });
    expect(live.status).toBe(200);
    expect(live.html).toMatch(/^<div id="overview-live"/);
    expect(live.html).not.toContain('<html');
  });

  it('pauses an instance after a confirmation, with a reason, and resumes it, each audited with the key id', async () => {
    const browser = consoleBrowser(() => gateway);
    await browser.signIn();
    const confirm = await browser.get('/admin/instances/sms-a/pause');
    expect(confirm.status).toBe(200);
    expect(textOf(confirm.html)).toContain('Tạm dừng phiên bản sms-a');
    const paused = await browser.post('/admin/instances/sms-a/pause', { reason: 'Viettel bao tri den 23:00' });
    expect(paused.status).toBe(303);
    expect(paused.response.headers.get('location')).toBe('/admin?done=paused&instance=sms-a');
    expect(gateway.context.instances.get('sms-a')?.pause).toMatchObject({ by: `key:${gateway.operator.key.id}`, reason: 'Viettel bao tri den 23:00' });
    const overview = await browser.get('/admin?done=paused&instance=sms-a');
    expect(textOf(overview.html)).toContain('Đã tạm dừng phiên bản sms-a.');
    expect(rowOf(overview.html, 'sms-a')).toContain('Tạm dừng từ 01/03/2026 08:00:00 bởi');
    expect(rowOf(overview.html, 'sms-a')).toContain('Lý do: Viettel bao tri den 23:00');

    await browser.get('/admin/instances/sms-a/resume');
    const resumed = await browser.post('/admin/instances/sms-a/resume');
    expect(resumed.response.headers.get('location')).toBe('/admin?done=resumed&instance=sms-a');
    expect(gateway.context.instances.get('sms-a')?.pause).toBeNull();
    const entries = (await gateway.store.listAudit({}, 1000)).filter((entry) => entry.action.startsWith('instance.'));
    expect(entries.map((entry) => [entry.action, entry.actor])).toEqual([
      ['instance.paused', `key:${gateway.operator.key.id}`],
      ['instance.resumed', `key:${gateway.operator.key.id}`],
    ]);
  });

  it('shows a key limited to agencies only theirs, and lets it pause only an instance serving none but them', async () => {
    await send();
    await send({ agency: AGENCY_B });
    const limited = await gateway.newKey('operator', [AGENCY_B]);
    const browser = consoleBrowser(() => gateway);
    await browser.signIn(limited.token);
    const page = await browser.get('/admin');
    expect(page.html).not.toContain('data-instance="sms-a"');
    expect(page.html).toContain('data-instance="sms-all"');
    expect(page.html).not.toContain(AGENCY_A);
    const refused = await browser.get('/admin/instances/sms-all/pause');
    expect(refused.status).toBe(403);
    expect(textOf(refused.html)).toContain('Khóa của bạn không được phép làm việc này');
  });

  it('answers an unknown instance with the console 404', async () => {
    const browser = consoleBrowser(() => gateway);
    await browser.signIn();
    expect((await browser.get('/admin/instances/nope/pause')).status).toBe(404);
  });
});
