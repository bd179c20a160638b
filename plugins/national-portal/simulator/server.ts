/**
 * The portal simulator's HTTP side (hono on node): the login and integration paths of the adapter, with the
 * injected faults played before a request reaches the portal, and `/__control` (also `{ "expireSessions": true }`)
 * and `/__received`; `GET /__stats` counts the logins and the calls per service the portal answered.
 */
import { createServer } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import { Hono } from 'hono';
import {
  controlRoutes,
  createFaultInjector,
  listen,
  type RunningSimulator,
  type SimulatorOptions,
} from '../../../core/sdk/index.ts';
import { createPortal, type PortalAccount } from './portal.ts';

export const AUTH_PATH = '/api/auth/login';
export const INTEGRATION_PATH = '/api/integration';

export interface PortalSimulatorOptions extends SimulatorOptions {
  account: PortalAccount;
  /** Sessions end after this long. Default 30 minutes. */
  sessionTtlMs?: number;
}

export async function startPortalSimulator(options: PortalSimulatorOptions): Promise<RunningSimulator> {
  const { log } = options;
  const faults = createFaultInjector();
  const portal = createPortal(options.account, faults, options.sessionTtlMs ?? 30 * 60_000);
  const control = controlRoutes(faults);
  const app = new Hono();
  let transientFaults = 0;

  app.post('/__control', async (c) => {
    const text = await c.req.text();
    let settings: unknown;
    try {
      settings = JSON.parse(text);
    } catch {
      settings = undefined;
    }
    let expiredSessions: number | undefined;
    if (settings !== null && typeof settings === 'object' && 'expireSessions' in settings) {
      const { expireSessions, ...rest } = settings as Record<string, unknown>;
      if (expireSessions !== true) return c.json({ type: 'about:blank', title: 'Invalid fault settings', status: 400, errors: [{ path: 'expireSessions', message: 'expireSessions must be true' }] }, 400);
      expiredSessions = portal.expireSessions();
      log.info({ expiredSessions }, 'portal sessions expired on request');
      settings = rest;
    }
    const answer = await control.request('/__control', { method: 'POST', body: settings === undefined ? text : JSON.stringify(settings) });
    if (!answer.ok || expiredSessions === undefined) return answer;
    return c.json({ ...((await answer.json()) as Record<string, unknown>), expiredSessions });
  });
  app.delete('/__received', (c) => {
    portal.clearListing();
    return c.body(null, 204);
  });
  app.get('/__stats', (c) => c.json(portal.counts));
  app.route('/', control);

  /** Plays the injected fault; answers the response to send instead of the portal's, or undefined. */
  async function faulted(signal: AbortSignal, service: string): Promise<Response | undefined> {
    const decision = await faults.next();
    if (decision === 'transient') {
      // An overloaded adapter answers either way: 503 from its proxy, or 500 with a JSON error.
      transientFaults += 1;
      if (transientFaults % 2 === 1) return new Response('Service Unavailable', { status: 503, headers: { 'retry-after': '1' } });
      return Response.json({ error_code: -500, message: 'Lỗi hệ thống, vui lòng thử lại sau' }, { status: 500 });
    }
    if (decision === 'timeout') {
      log.info('simulated timeout: holding the request until the client gives up');
      await faults.hang(signal);
      return new Response(null, { status: 504 });
    }
    if (decision === 'permanent') return Response.json(portal.refuse(service, 'Dữ liệu không hợp lệ (lỗi giả lập)'));
    return undefined;
  }

  const readJson = (request: Request) => request.json().catch(() => undefined);

  app.post(AUTH_PATH, async (c) => {
    const fault = await faulted(c.req.raw.signal, 'login');
    if (fault) return fault;
    return c.json(portal.login(await readJson(c.req.raw), c.req.header('dstcode')));
  });
  app.post(INTEGRATION_PATH, async (c) => {
    const body = await readJson(c.req.raw);
    const service = body !== null && typeof body === 'object' && 'service' in body ? String(body.service) : 'unknown';
    const fault = await faulted(c.req.raw.signal, service);
    if (fault) return fault;
    return c.json(portal.call(body));
  });
  app.notFound((c) => c.text('not found', 404));

  const server = createServer(getRequestListener(app.fetch));
  return listen(server, options, faults);
}
