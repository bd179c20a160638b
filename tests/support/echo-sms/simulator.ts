import type { Server } from 'node:http';
import { createAdaptorServer } from '@hono/node-server';
import { Hono } from 'hono';
import {
  controlRoutes,
  createFaultInjector,
  createReceivedLedger,
  faultMiddleware,
  gatewayTimeout,
  listen,
  type Deliveries,
  type RunningSimulator,
  type SimulatorOptions,
} from '../../../core/sdk/index.ts';

interface EchoMessage {
  requestId: string;
  to: string;
  text: string;
}

/** One request id as `/__received` lists it; more than 1 delivery means a retry after an answer was lost. */
export type EchoReceipt = EchoMessage & Deliveries;

export interface EchoHooks {
  /**
   * Awaited after a message is listed in `/__received` and before it is answered: a test holds the answers until the
   * moment it wants them sent (e.g. while the gateway is stopped).
   */
  beforeAnswer?: (message: EchoReceipt) => Promise<void>;
  /** How `GET /health` answers, once it does: `ok` (200) or `down` (503). Default: `ok` at once. */
  health?: () => Promise<'ok' | 'down'>;
}

/**
 * A small JSON SMS provider for whole-gateway tests: `POST /messages { requestId, to, text }` answers
 * `{ status: 'accepted' }`, with the fault injection every simulator has; `GET /health` answers `{ status }`. `/__received` lists one entry per
 * request id with how many times it arrived.
 */
export async function startEchoSimulator(options: SimulatorOptions, hooks: EchoHooks = {}): Promise<RunningSimulator> {
  const faults = createFaultInjector();
  const received = createReceivedLedger<EchoMessage>();
  const app = new Hono();
  app.route('/', controlRoutes(faults, received));
  app.get('/health', async (c) => {
    const state = (await hooks.health?.()) ?? 'ok';
    return c.json({ status: state }, state === 'ok' ? 200 : 503);
  });
  app.post(
    '/messages',
    faultMiddleware(faults, {
      transient: [() => Response.json({ status: 'busy' }, { status: 503 })],
      permanent: () => Response.json({ status: 'rejected', reason: 'blacklisted' }),
      timeout: gatewayTimeout,
    }),
    async (c) => {
      const { requestId, to, text } = (await c.req.json()) as EchoMessage;
      const receipt = received.deliver(requestId, () => ({ requestId, to, text }));
      const duplicate = receipt.deliveries > 1;
      await hooks.beforeAnswer?.(receipt);
      return c.json({ status: 'accepted', duplicate });
    },
  );
  return listen(createAdaptorServer({ fetch: app.fetch }) as Server, options, faults);
}
