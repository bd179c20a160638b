/**
 * The national business registry behind NGSP (a WSO2 API gateway): `POST /token` (client credentials, Basic auth)
 * and `GET /apiCSDLDKDN/1.0/chiTietDoanhNghiep?msdn=…` with the bearer token. An unknown tax code is answered 200
 * with an empty `Data`, as the platform does.
 */
import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import type { ReceivedLedger } from '../../../core/sdk/index.ts';
import { BUSINESSES } from './businesses.ts';
import { sameSecret } from './card-service.ts';
import type { ReceivedCall, SimulatorCredentials, SimulatorState } from './state.ts';

const INVALID_CREDENTIALS = {
  fault: { code: 900901, message: 'Invalid Credentials', description: 'Invalid Credentials. Make sure you have provided the correct security credentials' },
};

export function registryRoutes(state: SimulatorState, credentials: SimulatorCredentials, received: Pick<ReceivedLedger<never, ReceivedCall>, 'record'>, tokenTtlSeconds: number): Hono {
  const app = new Hono();

  app.post('/token', async (c) => {
    const form = new URLSearchParams(await c.req.text());
    const basic = /^Basic\s+(.+)$/i.exec(c.req.header('authorization') ?? '')?.[1];
    const [key, secret] = Buffer.from(basic ?? '', 'base64').toString('utf8').split(/:(.*)/s);
    received.record({ service: 'registry', operation: 'token', grantType: form.get('grant_type') });
    if (!(c.req.header('content-type') ?? '').startsWith('application/x-www-form-urlencoded')) {
      return c.json({ error: 'invalid_request', error_description: 'Unsupported Content-Type' }, 400);
    }
    if (!sameSecret(key, credentials.registryKey) || !sameSecret(secret, credentials.registrySecret)) {
      return c.json({ error: 'invalid_client', error_description: 'Client Authentication failed.' }, 401);
    }
    if (form.get('grant_type') !== 'client_credentials') {
      return c.json({ error: 'unsupported_grant_type', error_description: 'Unsupported grant_type value' }, 400);
    }
    const token = randomUUID();
    state.tokens.set(token, Date.now() + tokenTtlSeconds * 1000);
    return c.json({ access_token: token, scope: 'am_application_scope default', token_type: 'Bearer', expires_in: tokenTtlSeconds });
  });

  app.get('/apiCSDLDKDN/1.0/chiTietDoanhNghiep', (c) => {
    const msdn = c.req.query('msdn') ?? '';
    const token = /^Bearer\s+(.+)$/i.exec(c.req.header('authorization') ?? '')?.[1] ?? '';
    const expiresAt = state.tokens.get(token);
    received.record({ service: 'registry', operation: 'lookup', msdn, requestId: c.req.header('x-request-id') });
    if (expiresAt === undefined || expiresAt <= Date.now()) return c.json(INVALID_CREDENTIALS, 401);
    const business = BUSINESSES.find((candidate) => candidate.taxCode === msdn);
    if (!business) return c.json({ Data: { MainInformation: null, HOAdress: null, Representatives: null } });
    return c.json({
      Data: {
        MainInformation: {
          ENTERPRISE_GDT_CODE: business.taxCode,
          ENTERPRISE_CODE: business.taxCode,
          NAME: business.name,
          ENTERPRISE_TYPE_NAME: business.enterpriseType,
          FOUNDING_DATE: business.foundingDate,
          ENTERPRISE_STATUS_NAME: business.registryStatus,
        },
        HOAdress: { AddressFullText: business.address },
        Representatives: [{ FULL_NAME: business.legalRepresentative, POSITION_NAME: 'Giám đốc' }],
      },
    });
  });

  app.notFound((c) => c.json({ fault: { code: 404, message: 'No matching resource found for given API Request' } }, 404));
  return app;
}
