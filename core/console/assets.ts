import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Hono } from 'hono';
import { CONSOLE_CSS } from './console-css.ts';
import type { ConsoleEnv } from './console-env.ts';

/** htmx, from its npm package: the console loads nothing from the internet. Read once, when the console is built. */
const HTMX = readFileSync(createRequire(import.meta.url).resolve('htmx.org/dist/htmx.min.js'), 'utf8');

const CACHED = 'public, max-age=3600';

/** `/admin/assets/…`: the console's stylesheet and htmx, the only files its pages load. */
export function consoleAssets() {
  const app = new Hono<ConsoleEnv>();
  app.get('/htmx.min.js', (c) => c.body(HTMX, 200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': CACHED }));
  app.get('/console.css', (c) => c.body(CONSOLE_CSS, 200, { 'content-type': 'text/css; charset=utf-8', 'cache-control': CACHED }));
  return app;
}
