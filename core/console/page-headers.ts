import { getCookie } from 'hono/cookie';
import { createMiddleware } from 'hono/factory';
import type { ConsoleEnv } from './console-env.ts';
import { LANG_COOKIE, langOf, translator } from './i18n.ts';

/**
 * Scripts, styles and images from the gateway itself only, no inline script or style, no frame, forms posted only
 * back to it: what the console loads is what it serves.
 */
export const CONSOLE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/** Every console answer: its language (the cookie's), the CSP and no caching (its pages hold operators' data). */
export function consolePageHeaders() {
  return createMiddleware<ConsoleEnv>(async function consolePageHeaders(c, next) {
    const lang = langOf(getCookie(c, LANG_COOKIE));
    c.set('lang', lang);
    c.set('t', translator(lang));
    await next();
    c.res.headers.set('content-security-policy', CONSOLE_CSP);
    c.res.headers.set('x-frame-options', 'DENY');
    // Not the API's no-referrer: under it a browser posts a form with `Origin: null`, and the Origin check needs it.
    c.res.headers.set('referrer-policy', 'same-origin');
    if (!c.res.headers.has('cache-control')) c.res.headers.set('cache-control', 'no-store');
  });
}
