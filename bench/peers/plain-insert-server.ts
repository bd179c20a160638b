/**
 * The accept peer: what a team would write without the gateway. Hono on @hono/node-server, `POST /v1/sms/send`
 * checked with the gateway's own valibot schema (the same fields and rules), one INSERT through a pg Pool of 10,
 * 202 with the new row's id. No key check, audit entry or idempotency: the bare durable accept.
 * Run as a child with BENCH_PEERS_DATABASE_URL: makes its table, opens every pooled connection, then prints
 * `{"ready":{"url":…}}` on stdout when it listens on 127.0.0.1 (PORT=0 picks a port).
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import pg from 'pg';
import * as v from 'valibot';
import { smsSendInput } from '../../core/capabilities/sms.ts';

const POOL_SIZE = 10;
const url = process.env.BENCH_PEERS_DATABASE_URL;
if (!url) throw new Error('set BENCH_PEERS_DATABASE_URL to the database the plain INSERT server writes to');

const pool = new pg.Pool({ connectionString: url, max: POOL_SIZE, idleTimeoutMillis: 0 });
await pool.query(
  `CREATE TABLE IF NOT EXISTS sms_outbox (
     id uuid PRIMARY KEY, agency text NOT NULL, recipient text NOT NULL, body text NOT NULL,
     unicode boolean NOT NULL, reference text, created_at timestamptz NOT NULL DEFAULT now())`,
);
// Connected before the first measured request, so no backend starts during a run.
const clients = await Promise.all(Array.from({ length: POOL_SIZE }, () => pool.connect()));
for (const client of clients) client.release();

const problem = (status: 400 | 503, title: string, detail: string) =>
  Response.json({ type: 'about:blank', title, status, detail }, { status, headers: { 'content-type': 'application/problem+json' } });

const app = new Hono();
app.post('/v1/sms/send', async function acceptSms(c) {
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    return problem(400, 'invalid request', 'the body is not JSON');
  }
  const parsed = v.safeParse(smsSendInput, body);
  if (!parsed.success) {
    const issue = parsed.issues[0];
    return problem(400, 'invalid request', `${v.getDotPath(issue) ?? 'body'}: ${issue.message}`);
  }
  const sms = parsed.output;
  const id = randomUUID();
  await pool.query({
    name: 'insert-sms',
    text: 'INSERT INTO sms_outbox (id, agency, recipient, body, unicode, reference) VALUES ($1, $2, $3, $4, $5, $6)',
    values: [id, sms.agency, sms.to, sms.text, sms.unicode, sms.reference ?? null],
  });
  return c.json({ id, status: 'queued' }, 202);
});
app.onError((error) => {
  process.stderr.write(`plain INSERT failed: ${error.message}\n`);
  const answer = problem(503, 'store unavailable', 'the INSERT failed; try again');
  answer.headers.set('retry-after', '1');
  return answer;
});

serve({ fetch: app.fetch, hostname: '127.0.0.1', port: Number(process.env.PORT ?? 0) }, (info: AddressInfo) => {
  process.stdout.write(`${JSON.stringify({ ready: { url: `http://127.0.0.1:${info.port}` } })}\n`);
});

const stop = () => {
  pool.end().then(() => process.exit(0), () => process.exit(1));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
