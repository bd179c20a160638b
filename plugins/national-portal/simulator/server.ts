/**
 * The portal simulator's HTTP side (hono on node): the login and integration paths of the adapter, with the
 * injected faults played before a request reaches the portal, and `/__control` (also `{ "expireSessions": true }`,
 * answered with `expiredSessions`) and `/__received`; `GET /__stats` counts the logins and the calls per service
 * the portal answered.
 */
import { createServer } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import { Hono } from 'hono';
import * as v from 'valibot';
import {
  controlRoutes,
  createFaultInjector,
  createReceivedLedger,
  faultMiddleware,
  gatewayTimeout,
  listen,
  serviceUnavailable,
  simulatorSettings,
  type FaultEnv,
  type RunningSimulator,
  type SimulatorOptions,
} from '../../../core/sdk/index.ts';
import { createPortal, type DossierReceipt, type PortalAccount, type Refusal } from './portal.ts';

export const AUTH_PATH = '/api/auth/login';
export const INTEGRATION_PATH = '/api/integration';

export interface PortalSimulatorOptions extends SimulatorOptions {
  account: PortalAccount;
  /** Sessions end after this long. Default 30 minutes. */
  sessionTtlMs?: number;
}

/** What a permanent fault answers: a refusal of the data, built and listed by the portal. */
const SIMULATED_REFUSAL = 'Dữ liệu không hợp lệ (lỗi giả lập)';

export async function startPortalSimulator(options: PortalSimulatorOptions): Promise<RunningSimulator> {
  const { log } = options;
  const faults = createFaultInjector({ log });
  const received = createReceivedLedger<DossierReceipt, Refusal>();
  const portal = createPortal(options.account, received, options.sessionTtlMs ?? 30 * 60_000);
  const sessionSettings = simulatorSettings({
    entries: { expireSessions: v.optional(v.literal(true, 'expireSessions must be true')) },
    apply({ expireSessions }) {
      if (!expireSessions) return undefined;
      const expiredSessions = portal.expireSessions();
      log.info({ expiredSessions }, 'portal sessions expired on request');
      return { expiredSessions };
    },
  });
  const injectedFault = faultMiddleware(faults, {
    // An overloaded adapter answers either way: 503 from its proxy, or 500 with a JSON error.
    transient: [serviceUnavailable, () => Response.json({ error_code: -500, message: 'Lỗi hệ thống, vui lòng thử lại sau' }, { status: 500 })],
    timeout: gatewayTimeout,
  });
  const app = new Hono<FaultEnv>();
  app.route('/', controlRoutes(faults, received, sessionSettings));
  app.get('/__stats', (c) => c.json(portal.counts));

  const readJson = (request: Request) => request.json().catch(() => undefined);

  app.post(AUTH_PATH, injectedFault, async (c) => {
    if (c.get('fault') === 'permanent') return c.json(portal.refuse('login', SIMULATED_REFUSAL));
    return c.json(portal.login(await readJson(c.req.raw), c.req.header('dstcode')));
  });
  app.post(INTEGRATION_PATH, injectedFault, async (c) => {
    const body = await readJson(c.req.raw);
    if (c.get('fault') === 'permanent') {
      const service = body !== null && typeof body === 'object' && 'service' in body ? String(body.service) : 'unknown';
      return c.json(portal.refuse(service, SIMULATED_REFUSAL));
    }
    return c.json(portal.call(body));
  });
  app.notFound((c) => c.text('not found', 404));

  const server = createServer(getRequestListener(app.fetch));
  return listen(server, options, faults);
}
