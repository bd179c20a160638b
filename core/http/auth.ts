import { createMiddleware } from 'hono/factory';
import { authenticate } from '../api-keys.ts';
import type { Store } from '../store/types.ts';
import { clientAddress } from './client-address.ts';
import type { AppEnv } from './env.ts';
import { ProblemError } from './problem.ts';
import type { UnknownKeyLimit } from './unknown-key-limit.ts';

const unauthorized = (detail: string) =>
  new ProblemError({ status: 401, title: 'Unauthorized', kind: 'unauthorized', detail, headers: { 'www-authenticate': 'Bearer' } });

/**
 * `Authorization: Bearer <api key>`; the key is read from the store on every request, so revocation is immediate.
 * With `unknownKeys`, an address that keeps sending no key or a wrong one is answered 429 instead of 401.
 */
export function apiKeyAuth(store: Store, role?: 'operator', unknownKeys?: UnknownKeyLimit) {
  return createMiddleware<AppEnv>(async function apiKeyAuth(c, next) {
    const refused = (detail: string) => {
      const error = unauthorized(detail);
      return unknownKeys ? unknownKeys.refusal(clientAddress(c.env?.outgoing?.socket?.remoteAddress), error) : error;
    };
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match?.[1]) throw refused('send an API key as "Authorization: Bearer <key>"');
    const key = await authenticate(store, match[1]);
    if (!key) throw refused('the API key is unknown or revoked');
    if (role && key.role !== role) {
      throw new ProblemError({ status: 403, title: 'Forbidden', kind: 'forbidden', detail: `this endpoint needs an ${role} key` });
    }
    c.set('apiKey', key);
    await next();
  });
}
