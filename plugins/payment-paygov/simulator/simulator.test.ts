/**
 * The simulator over real HTTP on 127.0.0.1, driven by the plugin itself: INIT opens a page with Pay and Cancel,
 * pressing one sends the signed result to a stand-in gateway that runs the plugin's callback, QUERY reports the
 * state, and the platform's checks and injected faults answer as documented.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { Hono } from 'hono';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { simulatorClient, testHttpClient, type SimulatorClient } from '../../../core/sdk/testing.ts';
import { RetryableError, Secret, type CallbackOutcome, type OperationContext, type RunningSimulator } from '../../../core/sdk/index.ts';
import { resultCallback } from '../callback.ts';
import type { PaygovConfig } from '../config.ts';
import { run as create } from '../create.ts';
import { run as query } from '../query.ts';
import { maXacThuc } from '../signature.ts';
import { type TestServices, testOperationContext } from '../../../core/sdk/testing.ts';
import { testConfig } from '../test-support/config.ts';
import { useTestServices } from '../test-support/services.ts';
import type { SentResult } from './page.ts';
import type { ReceivedMessage } from './messages.ts';
import { SIMULATOR_PATHS, startPaygovSimulator } from './server.ts';

const log = pino({ level: 'silent' });
const openServices = useTestServices('paygov-test');
const eventTypes = async () => (await services.emitted()).map((event) => event.type);
const account = { partnerCode: 'UBND_TEST', secret: 'simulator-test-secret-01' };
const agency = '000.00.02.H22';
const input = { agency, dossierCode: '000.00.02.H22-261121-0007', amount: 120_000, description: 'Lệ phí cấp phép' };

let simulator: RunningSimulator;
let controls: SimulatorClient;
let gateway: Server;
let callbackUrl: string;
let services: TestServices;
let config: PaygovConfig;
let messageCount = 0;

beforeAll(async () => {
  simulator = await startPaygovSimulator({ host: '127.0.0.1', port: 0, log, account });
  controls = simulatorClient(simulator.url);
  config = testConfig({ endpoint: simulator.url, ...SIMULATOR_PATHS, partnerCode: account.partnerCode, secret: new Secret(account.secret) });
  // A stand-in for the gateway's POST /v1/callbacks/{instance}: the plugin's own handler.
  const app = new Hono();
  app.post('/v1/callbacks/paygov-test', async (c) => {
    const { records, emit } = services;
    const outcome = (await resultCallback.handle(c.req.raw, { instance: 'paygov-test', config, log, http: testHttpClient({ timeoutMs: 2000, maxSockets: 1 }), records, emit })) as CallbackOutcome;
    return outcome.response;
  });
  gateway = createAdaptorServer({ fetch: app.fetch }) as Server;
  await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve));
  callbackUrl = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}/v1/callbacks/paygov-test`;
});

afterAll(async () => {
  await simulator.close();
  gateway.closeAllConnections();
  await new Promise((resolve) => gateway.close(resolve));
});

beforeEach(async () => {
  services = await openServices();
  await controls.control({ failRate: 0, latencyMs: 0 });
  await controls.clearReceived();
});

function context(overrides: Partial<OperationContext<PaygovConfig>> = {}): OperationContext<PaygovConfig> {
  messageCount += 1;
  const messageId = `msg_01JDQ4ZK8X7V2M3N4P5Q6R${String(messageCount).padStart(4, '0')}`;
  return testOperationContext(
    { instance: 'paygov-test', config, agency, messageId, services: { ...services, callbackUrl } },
    { http: testHttpClient({ timeoutMs: 2_000, maxSockets: 2 }), ...overrides },
  );
}

const received = () => controls.received<ReceivedMessage | SentResult>();

const press = (paymentUrl: string, action: 'pay' | 'cancel') =>
  fetch(paymentUrl, { method: 'POST', body: new URLSearchParams({ action }) });

describe('payment platform simulator', () => {
  it('opens a page with Pay and Cancel; Pay sends the signed result and QUERY then answers paid', async () => {
    const { paymentId, paymentUrl } = await create(input, context());
    expect(paymentUrl).toBe(`${simulator.url}/pay/${paymentId}`);
    const page = await fetch(paymentUrl);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<button type="submit" name="action" value="pay">Pay</button>');
    expect(html).toContain('<button type="submit" name="action" value="cancel">Cancel</button>');
    expect(html).toContain('120.000 VND');
    expect(html).toContain('Le phi cap phep');

    expect((await query({ agency, paymentId }, context())).status).toBe('pending');
    const pressed = await press(paymentUrl, 'pay');
    expect(pressed.status).toBe(200);
    expect(await pressed.text()).toContain('<code id="callback-status">200</code>');
    expect(await eventTypes()).toEqual(['payment.succeeded']);
    expect(await query({ agency, paymentId }, context())).toMatchObject({ status: 'paid', amount: 120_000, providerReference: expect.stringMatching(/^GD\d+$/) });

    const sent = (await received()).find((entry): entry is SentResult => entry.kind === 'RESULT');
    expect(sent).toMatchObject({ reference: paymentId, maLoi: '00', callbackStatus: 200, callbackAnswer: { MaLoi: '00' } });
    // A second press changes nothing: the transaction is over. A resent result is taken without a second event.
    expect((await press(paymentUrl, 'pay')).status).toBe(409);
    const resent = await fetch(`${simulator.url}/__resend/${paymentId}`, { method: 'POST' });
    expect(await resent.json()).toMatchObject({ callbackStatus: 200, callbackAnswer: { MaLoi: '00' } });
    expect(await eventTypes()).toEqual(['payment.succeeded']);
    expect((await fetch(`${simulator.url}/__resend/PG-NOPE`, { method: 'POST' })).status).toBe(404);
  });

  it('Cancel sends a failed result', async () => {
    const { paymentId, paymentUrl } = await create(input, context());
    await press(paymentUrl, 'cancel');
    expect(await eventTypes()).toEqual(['payment.failed']);
    expect((await query({ agency, paymentId }, context())).status).toBe('failed');
  });

  it('a result the gateway never got is found by QUERY', async () => {
    const { paymentId, paymentUrl } = await create(input, context({ callbackUrl: 'http://127.0.0.1:9/v1/callbacks/paygov-test' }));
    const pressed = await press(paymentUrl, 'pay');
    expect(await pressed.text()).toContain('<code id="callback-status">unreachable</code>');
    expect(await eventTypes()).toEqual([]);
    expect((await query({ agency, paymentId }, context())).status).toBe('paid');
    expect(await eventTypes()).toEqual(['payment.succeeded']);
  });

  it.each([
    ['a wrong secret', { secret: new Secret('another-secret-0001') }, 'MALOI_01'],
    ['an unknown partner', { partnerCode: 'UBND_KHAC' }, 'MALOI_02'],
    ['no callback URL', { callbackUrlField: '' }, 'MALOI_03'],
  ] as const)('refuses INIT with %s', async (_, change, code) => {
    config = { ...config, ...change };
    try {
      const ctx = context();
      await expect(create(input, ctx)).rejects.toMatchObject({ code });
    } finally {
      config = { ...config, secret: new Secret(account.secret), partnerCode: account.partnerCode, callbackUrlField: 'UrlCallback' };
    }
  });

  it('refuses a reused MaThamChieu in another INIT and answers QUERY for an unknown one with 05', async () => {
    const first = context();
    const { paymentUrl } = await create(input, first);
    // Another gateway store, the same message id, another payment: only the platform can tell.
    const elsewhere = await openServices();
    await expect(create({ ...input, amount: 130_000 }, { ...first, records: elsewhere.records })).rejects.toMatchObject({ code: 'MALOI_04' });
    // Once the transaction has ended, even the same INIT again is refused.
    await press(paymentUrl, 'cancel');
    await expect(create(input, { ...first, records: (await openServices()).records })).rejects.toMatchObject({ code: 'MALOI_04' });
    const body = { LoaiBanTin: 'QUERY', PhienBan: '1.0.6', MaDoiTac: account.partnerCode, MaThamChieu: 'PG-NOPE', ThoiGianGD: '20261121093000' };
    const answer = await fetch(`${simulator.url}${SIMULATOR_PATHS.queryPath}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...body, MaXacThuc: maXacThuc('QUERY', body, account.secret) }),
    });
    expect(await answer.json()).toMatchObject({ MaLoi: '05' });
  });

  it('answers the same INIT sent again by a partner that lost the answer with the page, once QUERY says pending', async () => {
    // The first INIT is taken, but its answer comes after the plugin gave up.
    await controls.control({ latencyMs: 400 });
    const ctx = context({ http: testHttpClient({ timeoutMs: 200, maxSockets: 2 }) });
    await expect(create(input, ctx)).rejects.toBeInstanceOf(RetryableError);
    await controls.control({ latencyMs: 0 });
    const taken = async () => (await received()).some((entry) => entry.kind === 'INIT' && entry.maLoi === '00');
    for (let waited = 0; !(await taken()); waited += 50) {
      if (waited > 5_000) throw new Error('the simulator never took the INIT');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    // The repeat: the same messageId, so the same MaThamChieu and the same INIT.
    const { paymentId, paymentUrl } = await create(input, { ...ctx, http: testHttpClient({ timeoutMs: 2_000, maxSockets: 2 }) });
    expect(paymentUrl).toBe(`${simulator.url}/pay/${paymentId}`);
    const messages = (await received()).filter((entry): entry is ReceivedMessage => entry.kind !== 'RESULT');
    expect(messages.map((entry) => [entry.kind, entry.reference, entry.maLoi])).toEqual([
      ['INIT', paymentId, '00'],
      ['QUERY', paymentId, '00'],
      ['INIT', paymentId, '00'],
    ]);
    await press(paymentUrl, 'pay');
    expect(await eventTypes()).toEqual(['payment.succeeded']);
  });

  it('plays injected faults: transient ones are retryable, a permanent one a refusal', async () => {
    await controls.control({ failRate: 1, failMode: 'transient' });
    const errors = [await create(input, context()).catch((error: unknown) => error), await create(input, context()).catch((error: unknown) => error)];
    for (const error of errors) expect(error).toBeInstanceOf(RetryableError);
    expect(errors.map((error) => (error as RetryableError).code).sort()).toEqual(['HTTP_503', 'MALOI_99']);
    await controls.control({ failRate: 1, failMode: 'permanent' });
    await expect(create(input, context())).rejects.toMatchObject({ code: 'MALOI_06' });
  });

  it('holds a request in timeout mode until the client gives up', async () => {
    await controls.control({ failRate: 1, failMode: 'timeout' });
    await expect(create(input, context({ http: testHttpClient({ timeoutMs: 200, maxSockets: 1 }) }))).rejects.toBeInstanceOf(RetryableError);
  });

  it('lists what it received, never the secret or the hash', async () => {
    await create(input, context());
    const entries = await received();
    expect(entries).toEqual([{ kind: 'INIT', reference: expect.stringMatching(/^PG/), maLoi: '00', at: expect.stringMatching(/^\d{4}-/) }]);
    expect(JSON.stringify(entries)).not.toContain(account.secret);
  });
});
