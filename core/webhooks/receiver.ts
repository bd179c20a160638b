/**
 * The plugin's simulator: the one-stop software's webhook endpoint. It checks Standard Webhooks signatures,
 * de-duplicates by `webhook-id`, and shares the fault injection of every simulator.
 */
import type { Server } from 'node:http';
import { createAdaptorServer } from '@hono/node-server';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { Webhook } from 'standardwebhooks';
import * as v from 'valibot';
import { webhookDeliverInput } from '../capabilities/webhook.ts';
import {
  controlRoutes,
  createFaultInjector,
  createReceivedLedger,
  errorMessage,
  faultMiddleware,
  listen,
  sandboxAccount,
  sandboxSecret,
  type Deliveries,
  type FaultInjector,
  type ReceivedLedger,
  type RunningSimulator,
  type SimulatorDefinition,
  type SimulatorOptions,
} from '../sdk/index.ts';

/** Sandbox only: the sandbox's webhook instance and this receiver share it (a Standard Webhooks `whsec_` secret). */
const sandboxWebhookSecret = sandboxAccount(() => sandboxSecret({ bytes: 32, encoding: 'base64', prefix: 'whsec_' }));

interface WebhookReceipt {
  id: string;
  type: string;
  timestamp: string;
  data: Record<string, unknown>;
  receivedAt: string;
}

/** One event as `GET /__received` lists it: one entry per `webhook-id`, however often it arrived. */
export type ReceivedWebhook = WebhookReceipt & Deliveries;

/** A request the receiver refused, listed so a sandbox user can see why their delivery failed. */
export interface RejectedWebhook {
  id: string | undefined;
  rejected: string;
  receivedAt: string;
}

export interface WebhookReceiverOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  secret: string;
  log?: SimulatorOptions['log'];
}

const eventSchema = webhookDeliverInput.entries.event;

function problem(status: ContentfulStatusCode, title: string, detail?: string): Response {
  return Response.json({ type: 'about:blank', title, status, detail }, { status, headers: { 'Content-Type': 'application/problem+json' } });
}

/** The receiver's routes: `POST /webhook`, plus `/__control` and `/__received` on the given fault injector. */
export function webhookReceiverApp(secret: string, faults: FaultInjector, log?: SimulatorOptions['log']): Hono {
  const verifier = new Webhook(secret);
  const received: ReceivedLedger<WebhookReceipt, RejectedWebhook> = createReceivedLedger();
  const app = new Hono();

  function reject(status: 400 | 401, id: string | undefined, reason: string): Response {
    received.record({ id, rejected: reason, receivedAt: new Date().toISOString() });
    log?.warn({ webhookId: id, reason }, 'webhook rejected');
    return problem(status, status === 401 ? 'invalid webhook signature' : 'invalid webhook payload', reason);
  }

  app.post(
    '/webhook',
    bodyLimit({ maxSize: 1024 * 1024, onError: () => problem(413, 'webhook payload too large') }),
    faultMiddleware(faults, {
      transient: [() => problem(503, 'simulated outage')],
      permanent: () => problem(400, 'simulated refusal'),
      timeout: () => problem(504, 'simulated timeout'),
    }),
    async function receiveWebhook(c) {
      const body = await c.req.text();
      const id = c.req.header('webhook-id');
      const headers = {
        'webhook-id': id ?? '',
        'webhook-timestamp': c.req.header('webhook-timestamp') ?? '',
        'webhook-signature': c.req.header('webhook-signature') ?? '',
      };
      try {
        verifier.verify(body, headers, { jsonParse: false });
      } catch (error) {
        return reject(401, id, errorMessage(error));
      }
      let json: unknown;
      try {
        json = JSON.parse(body);
      } catch {
        return reject(400, id, 'the body is not JSON');
      }
      const event = v.safeParse(eventSchema, json);
      if (!event.success) return reject(400, id, 'the body is not a { type, timestamp, data } event');

      // `id` is set: the signature check requires it.
      const webhookId = headers['webhook-id'];
      received.deliver(webhookId, () => ({ id: webhookId, ...event.output, receivedAt: new Date().toISOString() }));
      log?.info({ webhookId, type: event.output.type }, 'webhook received');
      return c.body(null, 204);
    },
  );
  app.route('/', controlRoutes(faults, received));
  return app;
}

/** Starts the receiver on `host:port` and resolves once it listens; `close()` also ends requests left hanging. */
export async function startWebhookReceiver(options: WebhookReceiverOptions): Promise<RunningSimulator> {
  const faults = createFaultInjector({ log: options.log });
  const app = webhookReceiverApp(options.secret, faults, options.log);
  const running = await listen(createAdaptorServer({ fetch: app.fetch }) as Server, options, faults);
  options.log?.info({ url: running.url }, 'webhook receiver listening');
  return running;
}

export const webhookReceiver: SimulatorDefinition = {
  start: ({ host, port, log }) => startWebhookReceiver({ host, port, log, secret: sandboxWebhookSecret().reveal() }),
  sandboxConfig: (simulatorUrl) => ({ url: `${simulatorUrl}/webhook`, secret: sandboxWebhookSecret() }),
};
