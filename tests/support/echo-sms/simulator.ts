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

/**
 * A small JSON SMS provider for whole-gateway tests: `POST /messages { requestId, to, text }` answers
 * `{ status: 'accepted' }`, with the fault injection every simulator has. `/__received` lists one entry per
 * request id with how many times it arrived.
 */
export async function startEchoSimulator(options: SimulatorOptions): Promise<RunningSimulator> {
  const faults = createFaultInjector();
  const received = createReceivedLedger<EchoMessage>();
  const app = new Hono();
  app.route('/', controlRoutes(faults, received));
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
      return c.json({ status: 'accepted', duplicate: receipt.deliveries > 1 });
    },
  );
  return listen(createAdaptorServer({ fetch: app.fetch }) as Server, options, faults);
}
