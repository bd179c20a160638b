import { randomUUID } from 'node:crypto';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from './env.ts';

/** The secure headers that mean something for a JSON API; an HTML page adds its own, stricter, set. */
const SECURE_HEADERS: ReadonlyArray<readonly [string, string]> = [
  ['cross-origin-resource-policy', 'same-origin'],
  ['referrer-policy', 'no-referrer'],
  ['strict-transport-security', 'max-age=15552000; includeSubDomains'],
  ['x-content-type-options', 'nosniff'],
  ['x-frame-options', 'SAMEORIGIN'],
];

/** A caller's own X-Request-Id is kept when it is short and plain; otherwise the gateway makes one. */
const PLAIN_ID = /^[\w\-=]{1,255}$/;

/**
 * Gives each request its id (`c.get('requestId')`, echoed as X-Request-Id) and every answer the secure headers.
 * Under @hono/node-server they go straight onto Node's response, where a header the route sets itself wins:
 * adding them to the answer afterwards would turn its plain header record into a Headers object, which costs
 * an accepted message as much as a good part of the rest of its request.
 */
export function responseHeaders() {
  return createMiddleware<AppEnv>(async function responseHeaders(c, next) {
    const given = c.req.header('x-request-id');
    const id = given !== undefined && PLAIN_ID.test(given) ? given : randomUUID();
    c.set('requestId', id);
    const outgoing = c.env?.outgoing;
    if (outgoing) {
      for (const [name, value] of SECURE_HEADERS) outgoing.setHeader(name, value);
      outgoing.setHeader('x-request-id', id);
      await next();
      return;
    }
    // Without Node's response (app.request in tests, another runtime): on the answer, unless the route set them.
    await next();
    for (const [name, value] of [...SECURE_HEADERS, ['x-request-id', id] as const]) if (!c.res.headers.has(name)) c.res.headers.set(name, value);
  });
}
