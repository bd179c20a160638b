import { createMiddleware } from 'hono/factory';
import { authenticate } from '../api-keys.ts';
import type { Store } from '../store/types.ts';
import type { AppEnv } from './env.ts';
import { ProblemError } from './problem.ts';

const unauthorized = (detail: string) =>
  new ProblemError({ status: 401, title: 'Unauthorized', kind: 'unauthorized', detail, headers: { 'www-authenticate': 'Bearer' } });

/** `Authorization: Bearer <api key>`; the key is read from the store on every request, so revocation is immediate. */
export function apiKeyAuth(store: Store, role?: 'operator') {
  return createMiddleware<AppEnv>(async function apiKeyAuth(c, next) {
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match?.[1]) throw unauthorized('send an API key as "Authorization: Bearer <key>"');
    const key = await authenticate(store, match[1]);
    if (!key) throw unauthorized('the API key is unknown or revoked');
    if (role && key.role !== role) {
      throw new ProblemError({ status: 403, title: 'Forbidden', kind: 'forbidden', detail: `this endpoint needs an ${role} key` });
    }
    c.set('apiKey', key);
    await next();
  });
}
