import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PermanentError, RetryableError, Secret, type OperationContext, type RunningSimulator } from '../sdk/index.ts';
import type { WebhookConfig } from './config.ts';
import { signedHeaders } from './deliver.ts';
import { webhookPlugin as plugin } from './index.ts';
import { startWebhookReceiver } from './receiver.ts';
import { testOperationContext } from '../sdk/testing/plugin-context.ts';
import { failure } from '../sdk/testing/failure.ts';
import { simulatorClient, type SimulatorClient } from '../sdk/testing/simulator-client.ts';

const secret = `whsec_${randomBytes(32).toString('base64')}`;
const event = {
  type: 'message.dead',
  timestamp: '2026-11-21T09:30:00+07:00',
  data: { messageId: 'msg_01DEAD', capability: 'sms', lastError: 'HTTP 400 from sms.example.vn' },
};
const input = { agency: '000.00.01.H22', event };
const { run } = plugin.operations.deliver;

/** Log lines of the receiver, so a test can wait for the moment a request is held. */
const logLines: string[] = [];
let receiver: RunningSimulator;
let controls: SimulatorClient;

beforeEach(async () => {
  logLines.length = 0;
  const log = pino({ level: 'info' }, { write: (line: string) => void logLines.push(line) });
  receiver = await startWebhookReceiver({ host: '127.0.0.1', port: 0, secret, log });
  controls = simulatorClient(receiver.url);
});
afterEach(() => receiver.close());

function context(overrides: Partial<OperationContext<WebhookConfig>> = {}, config: Partial<WebhookConfig> = {}) {
  const webhookConfig = { url: `${receiver.url}/webhook`, secret: new Secret(secret), ...config };
  return testOperationContext({ instance: 'webhook:onestop', config: webhookConfig, agency: input.agency, messageId: 'msg_01TEST', sequence: 1 }, overrides);
}


async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}

describe('webhook receiver', () => {
  it('listens on the free port it was given', () => {
    expect(receiver.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(receiver.url).not.toMatch(/:0$/);
  });

  it('records a signed delivery once', async () => {
    await expect(run(input, context())).resolves.toEqual({ status: 204 });
    expect(await controls.received()).toEqual([
      { id: 'msg_01TEST', ...event, deliveries: 1, receivedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/) },
    ]);
  });

  it('counts a redelivery of the same webhook-id on its one entry', async () => {
    await run(input, context());
    await run(input, context({ attempt: 2 }));
    await run(input, context({ messageId: 'msg_02OTHER' }));
    expect(await controls.received()).toMatchObject([
      { id: 'msg_01TEST', deliveries: 2 },
      { id: 'msg_02OTHER', deliveries: 1 },
    ]);
  });

  it('starts counting afresh after DELETE /__received', async () => {
    await run(input, context());
    expect((await fetch(`${receiver.url}/__received`, { method: 'DELETE' })).status).toBe(204);
    await run(input, context());
    expect(await controls.received()).toMatchObject([{ id: 'msg_01TEST', deliveries: 1 }]);
  });

  it('refuses a wrong signature with 401, which the plugin treats as permanent', async () => {
    const otherSecret = `whsec_${randomBytes(32).toString('base64')}`;
    const error = await failure(run(input, context({}, { secret: new Secret(otherSecret) })));
    expect(error).toBeInstanceOf(PermanentError);
    expect(error).toMatchObject({ code: 'HTTP_401' });
    expect(await controls.received()).toEqual([
      { id: 'msg_01TEST', rejected: 'No matching signature found', receivedAt: expect.any(String) },
    ]);
  });

  it('answers an unsigned request with a problem document', async () => {
    const response = await fetch(`${receiver.url}/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(event),
    });
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(await response.json()).toMatchObject({ status: 401, title: 'invalid webhook signature' });
  });

  it('refuses a signed body that is not an event with 400', async () => {
    const body = JSON.stringify({ hello: 'world' });
    const response = await fetch(`${receiver.url}/webhook`, {
      method: 'POST',
      headers: signedHeaders(secret, 'msg_03BAD', body),
      body,
    });
    expect(response.status).toBe(400);
    expect(await controls.received()).toMatchObject([{ id: 'msg_03BAD', rejected: expect.stringContaining('not a') }]);
  });
});

describe('webhook receiver fault injection', () => {
  it('a transient fault is retryable, and delivery works again once it is lifted', async () => {
    await controls.control({ failRate: 1, failMode: 'transient' });
    const error = await failure(run(input, context()));
    expect(error).toBeInstanceOf(RetryableError);
    expect(error).toMatchObject({ code: 'HTTP_503' });
    expect(await controls.received()).toEqual([]);

    await controls.control({ failRate: 0 });
    await expect(run(input, context({ attempt: 2 }))).resolves.toEqual({ status: 204 });
    expect(await controls.received()).toMatchObject([{ id: 'msg_01TEST', deliveries: 1 }]);
  });

  it('a permanent fault is permanent', async () => {
    await controls.control({ failRate: 1, failMode: 'permanent' });
    const error = await failure(run(input, context()));
    expect(error).toBeInstanceOf(PermanentError);
    expect(error).toMatchObject({ code: 'HTTP_400' });
  });

  it('a timeout fault makes the client give up with a retryable error', async () => {
    await controls.control({ failRate: 1, failMode: 'timeout' });
    const error = await failure(run(input, context({}, { timeoutMs: 200 })));
    expect(error).toBeInstanceOf(RetryableError);
    expect(error).toMatchObject({ code: 'ETIMEDOUT' });
    await receiver.close();
  }, 5_000);

  it('close() releases a request it is holding and ends its connection', async () => {
    await controls.control({ failRate: 1, failMode: 'timeout' });
    const delivery = failure(run(input, context({}, { timeoutMs: 30_000 })));
    await until(() => logLines.some((line) => line.includes('simulated timeout')));
    await receiver.close();
    expect(await delivery).toBeInstanceOf(RetryableError);
    await expect(fetch(`${receiver.url}/__received`)).rejects.toThrow();
  }, 5_000);
});
