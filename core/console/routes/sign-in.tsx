import { randomBytes } from 'node:crypto';
import { Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { authenticate } from '../../api-keys.ts';
import type { GatewayContext } from '../../gateway-context.ts';
import { clientAddress } from '../../http/client-address.ts';
import { ProblemError } from '../../http/problem.ts';
import type { UnknownKeyLimit } from '../../http/unknown-key-limit.ts';
import { type SignInRefusal, signInRefusedEntry, signedInEntry } from '../console-audit.ts';
import type { ConsoleEnv } from '../console-env.ts';
import { LANG_COOKIE } from '../i18n.ts';
import { SESSION_COOKIE, cookieOptions, fieldOf, formOf, sameOrigin } from '../operator-session.ts';
import { hereOf, safeBack } from '../page-context.ts';
import { type ConsoleSessions, sameToken } from '../sessions.ts';
import { LoginPage } from '../views/login-page.tsx';

/** The sign-in form's token, before there is a session: a cookie the form must echo (double submit). */
const LOGIN_COOKIE = 'lienthong_console_login';

/** `/admin/login` (GET the form, POST an operator key) and `/admin/language` (the switch, remembered a year). */
export function signInRoutes(gateway: GatewayContext, sessions: ConsoleSessions, unknownKeys?: UnknownKeyLimit) {
  const app = new Hono<ConsoleEnv>();
  // Read at each request: the config's publicUrl says whether cookies are Secure.
  const cookies = () => cookieOptions(gateway);

  const loginToken = (c: Parameters<typeof getCookie>[0]) => {
    const existing = getCookie(c, LOGIN_COOKIE);
    if (existing && /^[\w-]{32}$/.test(existing)) return existing;
    const token = randomBytes(24).toString('base64url');
    setCookie(c, LOGIN_COOKIE, token, { ...cookies(), maxAge: 3600 });
    return token;
  };

  app.get('/login', (c) => {
    const t = c.get('t');
    if (sessions.find(getCookie(c, SESSION_COOKIE), gateway.clock.now())) return c.redirect('/admin', 303);
    const notice = c.req.query('expired') ? { kind: 'info' as const, text: t('login.expired') } : c.req.query('signedOut') ? { kind: 'ok' as const, text: t('login.signedOut') } : undefined;
    return c.html(<LoginPage t={t} lang={c.get('lang')} here={hereOf(c)} csrfToken={loginToken(c)} next={safeBack(c.req.query('next'))} notice={notice} />);
  });

  app.post('/login', async (c) => {
    const t = c.get('t');
    const form = await formOf(c);
    const next = safeBack(fieldOf(form, 'next'));
    const page = (status: 401 | 403 | 429, text: string) =>
      c.html(<LoginPage t={t} lang={c.get('lang')} here="/admin/login" csrfToken={loginToken(c)} next={next} notice={{ kind: 'error', text }} />, status);
    if (!sameOrigin(c, gateway) || !sameToken(fieldOf(form, '_csrf'), getCookie(c, LOGIN_COOKIE) ?? '')) return page(403, t('form.refused'));

    const now = gateway.clock.now();
    const refuse = async (reason: SignInRefusal, keyId?: string) => {
      await gateway.store.appendAudit([signInRefusedEntry(reason, now, keyId)]);
      if (reason === 'client-key') return page(403, t('login.clientKey'));
      // The addresses that keep sending wrong keys are slowed down as on the API.
      const refusal = unknownKeys?.refusal(clientAddress(c.env?.outgoing?.socket?.remoteAddress), new ProblemError({ status: 401, title: 'Unauthorized', kind: 'unauthorized' }));
      if (refusal?.problem.status === 429) return page(429, t('login.tooMany', { seconds: refusal.problem.headers?.['retry-after'] ?? '1' }));
      return page(401, t('login.refused'));
    };
    const presented = fieldOf(form, 'key').trim();
    const key = presented && presented.length <= 500 ? await authenticate(gateway.store, presented) : undefined;
    if (!key) return refuse('unknown-or-revoked-key');
    if (key.role !== 'operator') return refuse('client-key', key.id);

    await gateway.store.appendAudit([signedInEntry(key.id, now)]);
    const { token } = sessions.open(key, now);
    setCookie(c, SESSION_COOKIE, token, cookies());
    deleteCookie(c, LOGIN_COOKIE, { path: '/admin' });
    return c.redirect(next, 303);
  });

  app.get('/language', (c) => {
    const to = c.req.query('to') === 'en' ? 'en' : 'vi';
    setCookie(c, LANG_COOKIE, to, { path: '/admin', sameSite: 'Strict', secure: cookies().secure, maxAge: 365 * 86_400 });
    return c.redirect(safeBack(c.req.query('back')), 303);
  });

  return app;
}
