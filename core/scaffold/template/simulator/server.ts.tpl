/**
 * A stand-in for the provider: `POST /v1/{operation}` with the bearer key answers `{ code: '00', data }`, and
 * `/__control` plays the faults every simulator has. `/__received` lists one entry per request id, counting its
 * deliveries (more than 1: a retry after an answer was lost).
 */
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
  serviceUnavailable,
  type Deliveries,
  type RunningSimulator,
  type SimulatorOptions,
} from '../../../core/sdk/index.ts';
import { ANSWERS } from './answers.ts';

export interface Received__NAME__ {
  requestId: string;
  operation: string;
}

export type __NAME__Receipt = Received__NAME__ & Deliveries;

export interface __NAME__SimulatorOptions extends SimulatorOptions {
  /** The key the simulator expects as `Authorization: Bearer …`. */
  apiKey: string;
}

export async function start__NAME__Simulator(options: __NAME__SimulatorOptions): Promise<RunningSimulator> {
  const faults = createFaultInjector({ log: options.log });
  const received = createReceivedLedger<Received__NAME__>();
  const app = new Hono();
  app.route('/', controlRoutes(faults, received));
  app.post(
    '/v1/:operation',
    faultMiddleware(faults, {
      // Overload shows either way: the proxy's 503, or the provider's own "try again".
      transient: [serviceUnavailable, () => Response.json({ code: '99', message: 'system error (simulated)' }, { status: 500 })],
      permanent: () => Response.json({ code: '01', message: 'request refused (simulated)' }, { status: 400 }),
      timeout: gatewayTimeout,
    }),
    async (c) => {
      if (c.req.header('authorization') !== `Bearer ${options.apiKey}`) return c.json({ code: '02', message: 'unknown API key' }, 401);
      const operation = c.req.param('operation');
      const answer = ANSWERS[operation];
      if (!answer) return c.json({ code: '01', message: `no operation ${operation}` }, 404);
      const requestId = c.req.header('x-request-id');
      if (!requestId) return c.json({ code: '01', message: 'X-Request-Id is required' }, 400);
      received.deliver(requestId, () => ({ requestId, operation }));
      return c.json({ code: '00', message: 'OK', data: answer() });
    },
  );
  return listen(createAdaptorServer({ fetch: app.fetch }) as Server, options, faults);
}
