/**
 * The plugin's simulator: the one-stop software's webhook endpoint. It checks Standard Webhooks signatures,
 * de-duplicates by `webhook-id`, and shares the fault injection of every simulator.
 */
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { createAdaptorServer } from '@hono/node-server';
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { Webhook } from 'standardwebhooks';
import * as v from 'valibot';
import { webhookDeliverInput } from '../capabilities/webhook.ts';
import {
  controlRoutes,
  createFaultInjector,
  errorMessage,
  listen,
  Secret,
  type FaultInjector,
  type RunningSimulator,
  type SimulatorDefinition,
  type SimulatorOptions,
} from '../sdk/index.ts';

/** Sandbox only: made once per process, so the sandbox's webhook instance and this receiver agree. */
const sandboxSecret = `whsec_${randomBytes(32).toString('base64')}`;

/** One event as `GET /__received` lists it: one entry per `webhook-id`, however often it arrived. */
export interface ReceivedWebhook {
  id: string;
  type: string;
  timestamp: string;
  data: Record<string, unknown>;
  deliveries: number;
  receivedAt: string;
}

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

function problem(c: Context, status: ContentfulStatusCode, title: string, detail?: string): Response {
  return c.json({ type: 'about:blank', title, status, detail }, status, { 'Content-Type': 'application/problem+json' });
}

/** The receiver's routes: `POST /webhook`, plus `/__control` and `/__received` on the given fault injector. */
export function webhookReceiverApp(secret: string, faults: FaultInjector, log?: SimulatorOptions['log']): Hono {
  const verifier = new Webhook(secret);
  const byId = new Map<string, ReceivedWebhook>();
  const app = new Hono();

  function reject(c: Context, status: 400 | 401, id: string | undefined, reason: string): Response {
    const entry: RejectedWebhook = { id, rejected: reason, receivedAt: new Date().toISOString() };
    faults.record(entry);
    log?.warn({ webhookId: id, reason }, 'webhook rejected');
    return problem(c, status, status === 401 ? 'invalid webhook signature' : 'invalid webhook payload', reason);
  }

  app.post(
    '/webhook',
    bodyLimit({ maxSize: 1024 * 1024, onError: (c) => problem(c, 413, 'webhook payload too large') }),
    async function receiveWebhook(c) {
      const decision = await faults.next();
      if (decision === 'transient') return problem(c, 503, 'simulated outage');
      if (decision === 'permanent') return problem(c, 400, 'simulated refusal');
      if (decision === 'timeout') {
        log?.info('simulated timeout: holding the request until the client gives up');
        await faults.hang(c.req.raw.signal);
        return problem(c, 504, 'simulated timeout');
      }

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
        return reject(c, 401, id, errorMessage(error));
      }
      let json: unknown;
      try {
        json = JSON.parse(body);
      } catch {
        return reject(c, 400, id, 'the body is not JSON');
      }
      const event = v.safeParse(eventSchema, json);
      if (!event.success) return reject(c, 400, id, 'the body is not a { type, timestamp, data } event');

      // `id` is set: the signature check requires it. After `DELETE /__received` an old entry is no longer listed.
      const webhookId = headers['webhook-id'];
      const known = byId.get(webhookId);
      if (known && faults.received.includes(known)) {
        known.deliveries += 1;
      } else {
        const entry: ReceivedWebhook = { id: webhookId, ...event.output, deliveries: 1, receivedAt: new Date().toISOString() };
        byId.set(webhookId, entry);
        faults.record(entry);
      }
      log?.info({ webhookId, type: event.output.type }, 'webhook received');
      return c.body(null, 204);
    },
  );
  app.route('/', controlRoutes(faults));
  return app;
}

/** Starts the receiver on `host:port` and resolves once it listens; `close()` also ends requests left hanging. */
export async function startWebhookReceiver(options: WebhookReceiverOptions): Promise<RunningSimulator> {
  const faults = createFaultInjector();
  const app = webhookReceiverApp(options.secret, faults, options.log);
  const running = await listen(createAdaptorServer({ fetch: app.fetch }) as Server, options, faults);
  options.log?.info({ url: running.url }, 'webhook receiver listening');
  return running;
}

export const webhookReceiver: SimulatorDefinition = {
  start: ({ host, port, log }) => startWebhookReceiver({ host, port, log, secret: sandboxSecret }),
  sandboxConfig: (simulatorUrl) => ({ url: `${simulatorUrl}/webhook`, secret: new Secret(sandboxSecret) }),
};
