import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type TestGateway, openTestGateway } from '../http/app-fixture.test-helper.ts';
import { consoleBrowser, textOf } from './console-fixture.test-helper.ts';
import { CONSOLE_CSP } from './page-headers.ts';

let gateway: TestGateway;
beforeEach(async () => {
  gateway = await openTestGateway();
});
afterEach(async () => {
  await gateway.dispose();
});

const audit = async (action: string) => (await gateway.store.listAudit({}, 1000)).filter((entry) => entry.action === action);

describe('console sign-in', () => {
  it('sends a visitor without a session to the sign-in, in Vietnamese, with the strict CSP', async () => {
    const browser = consoleBrowser(() => gateway);
    const page = await browser.get('/admin/messages?status=dead');
    expect(page.status).toBe(303);
    expect(page.response.headers.get('location')).toBe('/admin/login?next=%2Fadmin%2Fmessages%3Fstatus%3Ddead');
    const login = await browser.get('/admin/login');
    expect(login.status).toBe(200);
    expect(login.response.headers.get('content-security-policy')).toBe(CONSOLE_CSP);
    expect(login.html.startsWith('<!doctype html><html lang="vi">')).toBe(true);
    expect(textOf(login.html)).toContain('Khóa vận hành');
    expect(login.html).not.toMatch(/<script(?![^>]*\ssrc=)/);
  });

  it('signs an operator key in with an HttpOnly, SameSite=Strict session cookie, audited, and back to the page asked for', async () => {
    const browser = consoleBrowser(() => gateway);
    await browser.get('/admin/login');
    const answer = await browser.post('/admin/login', { key: gateway.operator.token, next: '/admin/search?q=x' });
    expect(answer.status).toBe(303);
    expect(answer.response.headers.get('location')).toBe('/admin/search?q=x');
    const cookie = answer.response.headers.getSetCookie().find((each) => each.startsWith('lienthong_console='));
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Path=\/admin/);
    expect(cookie).not.toMatch(/Secure/);
    expect(cookie).not.toContain(gateway.operator.token);
    expect(await audit('console.signed-in')).toEqual([
      expect.objectContaining({ actor: `key:${gateway.operator.key.id}`, action: 'console.signed-in', summary: { via: 'console' } }),
    ]);
    // Signed in, an unknown page is the console's own 404.
    const missing = await browser.get('/admin/nowhere');
    expect(missing.status).toBe(404);
    expect(textOf(missing.html)).toContain('Không tìm thấy trang');
  });

  it('marks the cookie Secure when the gateway is reached over https', async () => {
    gateway.context.config.publicUrl = 'https://lienthong.hue.gov.vn';
    const browser = consoleBrowser(() => gateway);
    await browser.get('/admin/login');
    const answer = await browser.post('/admin/login', { key: gateway.operator.token }, { origin: 'https://lienthong.hue.gov.vn' });
    expect(answer.response.headers.getSetCookie().find((each) => each.startsWith('lienthong_console='))).toMatch(/Secure/);
  });

  it('refuses a client key and an unknown key, each audited without the key', async () => {
    const browser = consoleBrowser(() => gateway);
    await browser.get('/admin/login');
    const client = await browser.post('/admin/login', { key: gateway.client.token });
    expect(client.status).toBe(403);
    expect(textOf(client.html)).toContain('không phải khóa vận hành');
    expect(browser.jar.has('lienthong_console')).toBe(false);
    const unknown = await browser.post('/admin/login', { key: 'lt_op_made_up_key' });
    expect(unknown.status).toBe(401);
    expect(textOf(unknown.html)).toContain('Khóa không đúng hoặc đã bị thu hồi');
    const refusals = await audit('console.sign-in-refused');
    expect(refusals.map((entry) => [entry.actor, entry.summary])).toEqual([
      [`key:${gateway.client.key.id}`, { via: 'console', reason: 'client-key' }],
      ['anonymous', { via: 'console', reason: 'unknown-or-revoked-key' }],
    ]);
    expect(JSON.stringify(refusals)).not.toContain('made_up');
  });

  it('refuses a sign-in form without its token, or posted from another origin', async () => {
    const browser = consoleBrowser(() => gateway);
    await browser.get('/admin/login');
    expect((await browser.post('/admin/login', { key: gateway.operator.token, _csrf: 'forged' })).status).toBe(403);
    expect((await browser.post('/admin/login', { key: gateway.operator.token }, { origin: 'https://evil.example' })).status).toBe(403);
    expect(await audit('console.signed-in')).toEqual([]);
  });

  it('refuses a signed-in form without its token or from another origin', async () => {
    const browser = consoleBrowser(() => gateway);
    await browser.signIn();
    await browser.get('/admin/nowhere');
    const forged = await browser.post('/admin/logout', { _csrf: 'not-the-token' });
    expect(forged.status).toBe(403);
    expect(textOf(forged.html)).toContain('Biểu mẫu đã hết hạn hoặc không hợp lệ');
    expect((await browser.post('/admin/logout', {}, { origin: 'https://evil.example' })).status).toBe(403);
    expect(await audit('console.signed-out')).toEqual([]);
  });

  it('signs out, audited; the old cookie no longer opens a page', async () => {
    const browser = consoleBrowser(() => gateway);
    await browser.signIn();
    const session = browser.jar.get('lienthong_console');
    await browser.get('/admin/nowhere');
    const out = await browser.post('/admin/logout');
    expect(out.status).toBe(303);
    expect(out.response.headers.get('location')).toBe('/admin/login?signedOut=1');
    expect(await audit('console.signed-out')).toEqual([expect.objectContaining({ actor: `key:${gateway.operator.key.id}` })]);
    const replayed = await gateway.app.request('/admin/nowhere', { headers: { cookie: `lienthong_console=${session}` } });
    expect(replayed.status).toBe(303);
    expect(replayed.headers.get('location')).toMatch(/^\/admin\/login\?/);
  });

  it('ends a session after 30 minutes without activity, and at once when its key is revoked', async () => {
    const browser = consoleBrowser(() => gateway);
    await browser.signIn();
    gateway.clock.t += 29 * 60_000;
    expect((await browser.get('/admin/nowhere')).status).toBe(404);
    gateway.clock.t += 29 * 60_000;
    expect((await browser.get('/admin/nowhere')).status).toBe(404);
    gateway.clock.t += 31 * 60_000;
    const expired = await browser.get('/admin/nowhere');
    expect(expired.status).toBe(303);
    expect(expired.response.headers.get('location')).toBe('/admin/login?next=%2Fadmin%2Fnowhere&expired=1');

    await browser.signIn();
    await gateway.store.revokeKey(gateway.operator.key.id, gateway.clock.t, 'cli');
    expect((await browser.get('/admin/nowhere')).status).toBe(303);
    // htmx's polling is told where to go rather than given the sign-in page to swap in.
    const polled = await browser.get('/admin/nowhere', { 'hx-request': 'true' });
    expect(polled.response.headers.get('hx-redirect')).toMatch(/^\/admin\/login/);
  });

  it('switches to English and remembers it; a switch never leads off the console', async () => {
    const browser = consoleBrowser(() => gateway);
    const switched = await browser.get('/admin/language?to=en&back=%2Fadmin%2Flogin');
    expect(switched.status).toBe(303);
    expect(switched.response.headers.get('location')).toBe('/admin/login');
    const login = await browser.get('/admin/login');
    expect(login.html).toContain('<html lang="en">');
    expect(textOf(login.html)).toContain('Operator key');
    const client = await browser.post('/admin/login', { key: gateway.client.token });
    expect(textOf(client.html)).toContain('This is a one-stop software key, not an operator key');
    for (const back of ['//evil.example/admin', 'https://evil.example', '/admin\\@evil', '/adminx']) {
      expect((await browser.get(`/admin/language?to=vi&back=${encodeURIComponent(back)}`)).response.headers.get('location')).toBe('/admin');
    }
  });

  it('leaves the admin API its own answers, a problem+json 404 included', async () => {
    const response = await gateway.app.request('/admin/v1/nothing-here', { headers: { authorization: `Bearer ${gateway.operator.token}` } });
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
  });

  it('serves htmx and its stylesheet from the gateway', async () => {
    const htmx = await gateway.app.request('/admin/assets/htmx.min.js');
    expect(htmx.status).toBe(200);
    expect(htmx.headers.get('content-type')).toMatch(/javascript/);
    expect(await htmx.text()).toContain('htmx');
    expect((await gateway.app.request('/admin/assets/console.css')).status).toBe(200);
  });
});

describe('console form origin', () => {
  it("takes a browser's Origin: null only when Sec-Fetch-Site says same-origin", async () => {
    const browser = consoleBrowser(() => gateway);
    await browser.get('/admin/login');
    expect((await browser.post('/admin/login', { key: gateway.operator.token }, { origin: 'null', 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect((await browser.post('/admin/login', { key: gateway.operator.token }, { origin: 'null', 'sec-fetch-site': 'same-origin' })).status).toBe(303);
  });
});
