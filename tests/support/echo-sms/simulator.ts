import type { Server } from 'node:http';
import { createAdaptorServer } from '@hono/node-server';
import { Hono } from 'hono';
import { controlRoutes, createFaultInjector, listen, type RunningSimulator, type SimulatorOptions } from '../../../core/sdk/index.ts';

export interface EchoReceipt {
  requestId: string;
  to: string;
  text: string;
  /** How many times this request id arrived; more than 1 means a retry after an answer was lost. */
  deliveries: number;
}

/**
 * A small JSON SMS provider for whole-gateway tests: `POST /messages { requestId, to, text }` answers
 * `{ status: 'accepted' }`, with the fault injection every simulator has. `/__received` lists one entry per
 * request id with how many times it arrived.
 */
export async function startEchoSimulator(options: SimulatorOptions): Promise<RunningSimulator> {
  const faults = createFaultInjector();
  const receipts = new Map<string, EchoReceipt>();
  const app = new Hono();
  // Ours first: one entry per request id with its delivery count, instead of the kit's plain list.
  app.get('/__received', (c) => c.json([...receipts.values()]));
  app.route('/', controlRoutes(faults));
  app.post('/messages', async (c) => {
    const fate = await faults.next();
    if (fate === 'timeout') {
      await faults.hang(c.req.raw.signal);
      return c.body(null, 504);
    }
    if (fate === 'transient') return c.json({ status: 'busy' }, 503);
    if (fate === 'permanent') return c.json({ status: 'rejected', reason: 'blacklisted' }, 200);
    const body = (await c.req.json()) as { requestId: string; to: string; text: string };
    const seen = receipts.get(body.requestId);
    if (seen) seen.deliveries += 1;
    else receipts.set(body.requestId, { requestId: body.requestId, to: body.to, text: body.text, deliveries: 1 });
    return c.json({ status: 'accepted', duplicate: Boolean(seen) });
  });
  return listen(createAdaptorServer({ fetch: app.fetch }) as Server, options, faults);
}
