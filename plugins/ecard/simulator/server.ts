/**
 * The e-card simulator: one HTTP server, the card service below `/ecard` and NGSP (token and registry look-up)
 * below `/ngsp`. Besides `/__control` and `/__received`: `POST /__corrupt` `{ cardNumber, documentId }` serves that
 * document with a damaged byte (`DELETE /__corrupt` heals all), `GET /__otp/{cardNumber}` gives the holder's
 * current one-time code, `POST /__tokens/revoke` makes NGSP forget every token, `POST /__reset` starts afresh.
 */
import { createServer } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import { Hono } from 'hono';
import {
  controlRoutes,
  createFaultInjector,
  createReceivedLedger,
  faultMiddleware,
  gatewayTimeout,
  listen,
  serviceUnavailable,
  type FaultAnswers,
  type FaultInjector,
  type RunningSimulator,
  type SimulatorOptions,
} from '../../../core/sdk/index.ts';
import { cardServiceRoutes } from './card-service.ts';
import { registryRoutes } from './registry.ts';
import { SimulatorState, type ReceivedCall, type SimulatorCredentials } from './state.ts';

export const CARD_PREFIX = '/ecard';
export const NGSP_PREFIX = '/ngsp';

export interface EcardSimulatorOptions extends SimulatorOptions {
  credentials: SimulatorCredentials;
  /** Failed verifications in a row that lock a card. Default 3. */
  lockAfter?: number;
  /** NGSP token lifetime. Default 3600 s. */
  tokenTtlSeconds?: number;
}

/** The injected faults of each service, played before a request reaches it: its own error, or its proxy's 503. */
const CARD_FAULTS: FaultAnswers = {
  transient: [() => Response.json({ code: '99', message: 'Lỗi hệ thống, vui lòng thử lại' }, { status: 500 }), serviceUnavailable],
  permanent: () => Response.json({ code: '42', message: 'Không có quyền truy cập' }, { status: 403 }),
  timeout: gatewayTimeout,
};
const REGISTRY_FAULTS: FaultAnswers = {
  transient: [() => new Response('Internal Server Error', { status: 500, headers: { 'content-type': 'text/plain; charset=UTF-8' } }), serviceUnavailable],
  permanent: () => Response.json({ fault: { code: 900908, message: 'Resource forbidden' } }, { status: 403 }),
  timeout: gatewayTimeout,
};

export function ecardSimulatorApp(options: Omit<EcardSimulatorOptions, 'host' | 'port'>, faults: FaultInjector, state = new SimulatorState()): Hono {
  const received = createReceivedLedger<never, ReceivedCall>();
  const app = new Hono();
  app.route('/', controlRoutes(faults, received));
  app.post('/__corrupt', async (c) => {
    const body: unknown = await c.req.json().catch(() => undefined);
    const cardNumber = body !== null && typeof body === 'object' ? Reflect.get(body, 'cardNumber') : undefined;
    const documentId = body !== null && typeof body === 'object' ? Reflect.get(body, 'documentId') : undefined;
    const known = typeof cardNumber === 'string' && state.cards.get(cardNumber)?.card.documents.some((document) => document.id === documentId);
    if (!known) return c.json({ title: 'give the cardNumber and documentId of a simulated document' }, 400);
    state.corrupted.add(`${cardNumber}\n${String(documentId)}`);
    return c.json({ corrupted: [...state.corrupted].map((key) => key.replace('\n', '/')) });
  });
  app.delete('/__corrupt', (c) => {
    state.corrupted.clear();
    return c.body(null, 204);
  });
  app.get('/__otp/:cardNumber', (c) => {
    const card = state.cards.get(c.req.param('cardNumber'));
    return card ? c.json({ otp: card.otp }) : c.json({ title: 'no such card' }, 404);
  });
  app.post('/__tokens/revoke', (c) => {
    state.tokens.clear();
    return c.body(null, 204);
  });
  app.post('/__reset', (c) => {
    state.reset();
    received.clear();
    return c.body(null, 204);
  });
  app.use(`${CARD_PREFIX}/*`, faultMiddleware(faults, CARD_FAULTS));
  app.use(`${NGSP_PREFIX}/*`, faultMiddleware(faults, REGISTRY_FAULTS));
  app.route(CARD_PREFIX, cardServiceRoutes(state, options.credentials, received, options.lockAfter ?? 3));
  app.route(NGSP_PREFIX, registryRoutes(state, options.credentials, received, options.tokenTtlSeconds ?? 3600));
  return app;
}

export async function startEcardSimulator(options: EcardSimulatorOptions): Promise<RunningSimulator> {
  const faults = createFaultInjector({ log: options.log });
  const app = ecardSimulatorApp(options, faults);
  const server = createServer(getRequestListener(app.fetch));
  return listen(server, options, faults);
}
