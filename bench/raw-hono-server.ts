/**
 * The baseline for the accept benchmark: bare Hono on @hono/node-server answering the same request as the
 * gateway's `POST /v1/sms/send` (the JSON body is read and parsed) with the same 202, and nothing else.
 * Run as a child: prints `{"ready":{"url":…}}` on stdout when it listens on 127.0.0.1 (PORT=0 picks a port).
 */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

const app = new Hono();
app.post('/v1/sms/send', async function acceptSms(c) {
  await c.req.json();
  return c.json({ id: 'x', status: 'queued' }, 202);
});

serve({ fetch: app.fetch, hostname: '127.0.0.1', port: Number(process.env.PORT ?? 0) }, (info: AddressInfo) => {
  process.stdout.write(`${JSON.stringify({ ready: { url: `http://127.0.0.1:${info.port}` } })}\n`);
});

// Nothing to finish or flush: it holds no state.
process.once('SIGTERM', () => process.exit(0));
process.once('SIGINT', () => process.exit(0));
