import { randomBytes } from 'node:crypto';
import { delay, http, HttpResponse } from 'msw';
import { pino } from 'pino';
import { Webhook } from 'standardwebhooks';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { createHttpClient } from '../runtime/outbound/http-client.ts';
import { PermanentError, RetryableError, Secret, type OperationContext } from '../sdk/index.ts';
import { useMswServer } from '../sdk/testing/msw.ts';
import { webhookConfigSchema, type WebhookConfig } from './config.ts';
import { run } from './deliver.ts';
import { webhookPlugin as plugin } from './index.ts';
import { noServices } from '../sdk/testing/plugin-context.ts';
import { failure } from '../sdk/testing/failure.ts';

const endpoint = 'https://motcua.example.gov.vn/hooks/lienthong';
const secret = `whsec_${randomBytes(32).toString('base64')}`;
const input = {
  agency: '000.00.01.H22',
  event: {
    type: 'payment.succeeded',
    timestamp: '2026-11-21T09:30:00+07:00',
    // Diacritics and a trailing space: the signature must cover the UTF-8 bytes exactly as sent.
    data: { paymentId: 'pay_7Q2', dossierCode: 'H22.99-261121-0001', amount: 150000, payer: 'Nguyễn Thị Ánh ' },
  },
};

interface SentRequest {
  method: string;
  url: string;
  headers: Headers;
  body: string;
}

const server = useMswServer();

function context(overrides: Partial<WebhookConfig> = {}, signal = new AbortController().signal) {
  const ctx: OperationContext<WebhookConfig> = {
    instance: 'webhook:onestop',
    config: { url: endpoint, secret: new Secret(secret), ...overrides },
    log: pino({ level: 'silent' }),
    messageId: 'msg_01TEST',
    sequence: 1,
    attempt: 1,
    triedBefore: false,
    agency: input.agency,
    signal,
    http: createHttpClient({ timeoutMs: 5_000, maxSockets: 2 }),
    ...noServices(),
  };
  return ctx;
}

/** Answers every POST to the endpoint with `answer` and keeps what was sent. */
function endpointAnswering(answer: () => Response | Promise<Response>): SentRequest[] {
  const sent: SentRequest[] = [];
  server.use(
    http.post(endpoint, async ({ request }) => {
      sent.push({ method: request.method, url: request.url, headers: request.headers, body: await request.text() });
      return answer();
    }),
  );
  return sent;
}


describe('webhook deliver: what is sent', () => {
  it('POSTs the event as JSON with the Standard Webhooks headers, signed over the exact body', async () => {
    const sent = endpointAnswering(() => new HttpResponse(null, { status: 204 }));
    const before = Math.floor(Date.now() / 1000);
    await run(input, context());
    const after = Math.floor(Date.now() / 1000);

    expect(sent).toHaveLength(1);
    const [request] = sent as [SentRequest];
    expect(request.method).toBe('POST');
    expect(request.url).toBe(endpoint);
    expect(request.headers.get('content-type')).toBe('application/json');
    expect(request.headers.get('webhook-id')).toBe('msg_01TEST');
    const timestamp = Number(request.headers.get('webhook-timestamp'));
    expect(Number.isInteger(timestamp)).toBe(true);
    expect(timestamp).toBeGreaterThanOrEqual(before);
    expect(timestamp).toBeLessThanOrEqual(after);
    expect(request.body).toBe(JSON.stringify(input.event));

    const headers = Object.fromEntries(request.headers);
    expect(new Webhook(secret).verify(request.body, headers)).toEqual(input.event);
    const otherSecret = `whsec_${randomBytes(32).toString('base64')}`;
    expect(() => new Webhook(otherSecret).verify(request.body, headers)).toThrow('No matching signature found');
  });

  it('keeps the webhook-id across attempts so the receiver can de-duplicate', async () => {
    const sent = endpointAnswering(() => new HttpResponse(null, { status: 204 }));
    await run(input, context());
    await run(input, { ...context(), attempt: 2 });
    expect(sent.map((request) => request.headers.get('webhook-id'))).toEqual(['msg_01TEST', 'msg_01TEST']);
  });
});

describe('webhook deliver: the receiver answer', () => {
  it.each([200, 204])('%i is delivered, with the status', async (status) => {
    endpointAnswering(() => new HttpResponse(status === 204 ? null : 'ok', { status }));
    await expect(run(input, context())).resolves.toEqual({ status });
  });

  it.each([500, 503])('%i is retryable', async (status) => {
    endpointAnswering(() => new HttpResponse('down', { status }));
    const error = await failure(run(input, context()));
    expect(error).toBeInstanceOf(RetryableError);
    expect(error).toMatchObject({ code: `HTTP_${status}` });
  });

  it('429 is retryable after the Retry-After the receiver asked for', async () => {
    endpointAnswering(() => new HttpResponse(null, { status: 429, headers: { 'Retry-After': '7' } }));
    const error = await failure(run(input, context()));
    expect(error).toBeInstanceOf(RetryableError);
    expect(error).toMatchObject({ code: 'HTTP_429', retryAfterMs: 7000 });
  });

  it.each([400, 401, 410])('%i is permanent', async (status) => {
    endpointAnswering(() => HttpResponse.json({ title: 'no' }, { status }));
    const error = await failure(run(input, context()));
    expect(error).toBeInstanceOf(PermanentError);
    expect(error).toMatchObject({ code: `HTTP_${status}` });
  });

  it('410 says the endpoint is gone, naming the host only', async () => {
    endpointAnswering(() => new HttpResponse(null, { status: 410 }));
    const error = await failure(run(input, context()));
    expect(error.message).toBe('webhook endpoint at motcua.example.gov.vn is gone (HTTP 410)');
  });

  it('a network error is retryable', async () => {
    endpointAnswering(() => HttpResponse.error());
    expect(await failure(run(input, context()))).toBeInstanceOf(RetryableError);
  });

  it('a receiver slower than timeoutMs is retryable', async () => {
    endpointAnswering(async () => {
      await delay(500);
      return new HttpResponse(null, { status: 204 });
    });
    const error = await failure(run(input, context({ timeoutMs: 100 })));
    expect(error).toBeInstanceOf(RetryableError);
    expect(error).toMatchObject({ code: 'ETIMEDOUT' });
  });

  it('an aborted attempt is retryable', async () => {
    endpointAnswering(async () => {
      await delay(500);
      return new HttpResponse(null, { status: 204 });
    });
    const controller = new AbortController();
    const delivery = run(input, context({}, controller.signal));
    controller.abort();
    const error = await failure(delivery);
    expect(error).toBeInstanceOf(RetryableError);
    expect(error).toMatchObject({ code: 'ABORTED' });
  });

  it.each([400, 410, 503])('the error for %i shows neither the secret nor the payload', async (status) => {
    endpointAnswering(() => new HttpResponse(JSON.stringify(input.event), { status }));
    const error = await failure(run(input, context()));
    expect(error.message).not.toContain(secret.slice('whsec_'.length));
    expect(error.message).not.toContain(input.event.data.paymentId);
    expect(error.message).not.toContain('/hooks/lienthong');
  });
});

describe('webhook config', () => {
  const valid = { url: endpoint, secret: new Secret(secret), timeoutMs: 10_000 };
  const issuesOf = (config: unknown) =>
    (v.safeParse(webhookConfigSchema, config).issues ?? []).map((issue) => ({
      path: v.getDotPath(issue),
      message: issue.message,
    }));

  it('accepts an https or http URL and a whsec_ secret of 24 to 64 bytes', () => {
    expect(v.parse(webhookConfigSchema, valid)).toEqual(valid);
    const sandbox = { url: 'http://127.0.0.1:4010/webhook', secret: new Secret(`whsec_${randomBytes(24).toString('base64')}`) };
    expect(v.parse(webhookConfigSchema, sandbox)).toEqual(sandbox);
  });

  it.each(['not a url', 'ftp://motcua.example.gov.vn/hooks', 'motcua.example.gov.vn/hooks'])('refuses url %j', (url) => {
    const issues = issuesOf({ ...valid, url });
    expect(issues).toHaveLength(1);
    expect(issues[0]?.path).toBe('url');
    expect(issues[0]?.message).toMatch(/^url /);
  });

  it.each([
    ['no prefix', randomBytes(32).toString('base64')],
    ['not base64', 'whsec_not*base64!'],
    ['too short', `whsec_${randomBytes(16).toString('base64')}`],
    ['too long', `whsec_${randomBytes(65).toString('base64')}`],
  ])('refuses a secret with %s, without echoing it', (_, badSecret) => {
    const issues = issuesOf({ ...valid, secret: new Secret(badSecret) });
    expect(issues).toHaveLength(1);
    expect(issues[0]?.path).toBe('secret');
    expect(issues[0]?.message).toMatch(/^secret /);
    expect(issues[0]?.message).not.toContain(badSecret);
  });

  it('refuses a secret written in the config instead of read from the environment or a file', () => {
    const issues = issuesOf({ ...valid, secret });
    expect(issues).toEqual([{ path: 'secret', message: 'must be given as { "env": "NAME" } or { "file": "path" }, never written in the config' }]);
  });

  it('names missing fields and a bad timeout', () => {
    expect(issuesOf({ timeoutMs: 0 })).toEqual([
      { path: 'url', message: 'url is required' },
      { path: 'secret', message: 'secret is required' },
      { path: 'timeoutMs', message: 'timeoutMs must be at least 1' },
    ]);
  });
});

describe('webhook plugin', () => {
  it('declares the deliver operation and a sandbox config its own schema accepts', () => {
    expect(plugin).toMatchObject({ id: 'webhook', capability: 'webhook' });
    expect(plugin.operations.deliver.run).toBe(run);
    const config = plugin.simulator?.sandboxConfig('http://127.0.0.1:4010');
    expect(v.parse(webhookConfigSchema, config)).toMatchObject({ url: 'http://127.0.0.1:4010/webhook' });
  });
});
