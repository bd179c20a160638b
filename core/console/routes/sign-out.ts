import { Hono } from 'hono';
import { deleteCookie, getCookie } from 'hono/cookie';
import type { GatewayContext } from '../../gateway-context.ts';
import { signedOutEntry } from '../console-audit.ts';
import type { ConsoleEnv } from '../console-env.ts';
import { SESSION_COOKIE } from '../operator-session.ts';
import type { ConsoleSessions } from '../sessions.ts';

/** `POST /admin/logout` (behind the sign-in and its form token): ends the session, audited. */
export function signOutRoutes(gateway: GatewayContext, sessions: ConsoleSessions) {
  const app = new Hono<ConsoleEnv>();
  app.post('/logout', async (c) => {
    const { key } = c.get('operator');
    await gateway.store.appendAudit([signedOutEntry(key.id, gateway.clock.now())]);
    sessions.close(getCookie(c, SESSION_COOKIE));
    deleteCookie(c, SESSION_COOKIE, { path: '/admin' });
    return c.redirect('/admin/login?signedOut=1', 303);
  });
  return app;
}
