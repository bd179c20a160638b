import type { Context } from 'hono';
import { getCookie } from 'hono/cookie';
import { createMiddleware } from 'hono/factory';
import type { GatewayContext } from '../gateway-context.ts';
import type { ConsoleEnv } from './console-env.ts';
import { hereOf } from './page-context.ts';
import { type ConsoleSessions, sameToken } from './sessions.ts';

/** The session cookie: HttpOnly, SameSite=Strict, for /admin only, Secure when the gateway is reached over https. */
export const SESSION_COOKIE = 'lienthong_console';

export const cookieOptions = (gateway: GatewayContext) =>
  ({ path: '/admin', httpOnly: true, sameSite: 'Strict', secure: gateway.config.publicUrl?.startsWith('https:') ?? false }) as const;

/** The posted form, every field as a string or a list of strings (checkboxes). Parsed once per request. */
export async function formOf(c: Context): Promise<Record<string, string | string[]>> {
  const body = await c.req.parseBody({ all: true });
  const form: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(body)) {
    if (typeof value === 'string') form[name] = value;
    else if (Array.isArray(value)) form[name] = value.filter((each): each is string => typeof each === 'string');
  }
  return form;
}

/** A form field as one string ('' when absent; the first when repeated). */
export const fieldOf = (form: Record<string, string | string[]>, name: string): string => {
  const value = form[name];
  return (Array.isArray(value) ? value[0] : value) ?? '';
};

/**
 * Whether a POST comes from the console's own pages: its Origin, when the browser sends one, is where the gateway
 * is reached (the request's own origin or the config's publicUrl).
 */
export function sameOrigin(c: Context, gateway: GatewayContext): boolean {
  const origin = c.req.header('origin');
  const site = c.req.header('sec-fetch-site');
  // A browser sends `Origin: null` under some referrer policies; its Sec-Fetch-Site (which no page can forge) then decides.
  if (origin === undefined || origin === 'null') return site === 'same-origin' || (origin === undefined && site === undefined);
  const allowed = [new URL(c.req.url).origin];
  if (gateway.config.publicUrl) allowed.push(new URL(gateway.config.publicUrl).origin);
  return allowed.includes(origin);
}

/**
 * Every page behind the sign-in: the session of the cookie, its key read again from the store (a revoked key or one
 * no longer an operator's ends it at once). Without one, a page goes to the sign-in and comes back after; htmx
 * follows `HX-Redirect`. Every POST must also come from the console (Origin) with the session's form token.
 */
export function requireOperator(gateway: GatewayContext, sessions: ConsoleSessions, onFormRefused: (c: Context<ConsoleEnv>) => Response | Promise<Response>) {
  return createMiddleware<ConsoleEnv>(async function requireOperator(c, next) {
    const now = gateway.clock.now();
    const token = getCookie(c, SESSION_COOKIE);
    const session = sessions.find(token, now);
    const key = session && (await gateway.store.findKeyByHash(session.keyHash));
    if (!session || !key || key.revokedAt !== null || key.role !== 'operator') {
      if (session) sessions.close(token);
      const here = c.req.method === 'GET' ? hereOf(c) : '/admin';
      const login = `/admin/login?next=${encodeURIComponent(here)}${token ? '&expired=1' : ''}`;
      if (c.req.header('hx-request')) return c.body(null, 200, { 'hx-redirect': login });
      return c.redirect(login, 303);
    }
    c.set('operator', { key, session });
    if (c.req.method === 'POST') {
      const form = await formOf(c);
      if (!sameOrigin(c, gateway) || !sameToken(form._csrf, session.csrfToken)) return onFormRefused(c);
    }
    await next();
  });
}
