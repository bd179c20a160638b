/**
 * The simulator over real HTTP on 127.0.0.1, driven by the plugin itself: create, the hosted page, the notice
 * to a callback endpoint that runs the plugin's handler, the controls and the faults.
 */
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Secret, type RunningSimulator } from '../../../core/sdk/index.ts';
import { simulatorClient, type SimulatorClient } from '../../../core/sdk/testing.ts';
import { create } from '../create.ts';
import { handleNotice } from '../notification.ts';
import { query } from '../query.ts';
import { signMessage } from '../signature.ts';
import { AGENCY, account, callbackContext, openTestServices, operationContext, silentLog, testConfig, type TestServices } from '../test-support/fixtures.ts';
import { CREATE_PATH, startVietinbankSimulator, type ReceivedRequest } from './server.ts';
import type { SentNotice } from './notices.ts';
import { rsaKeyPair } from './index.ts';
import { hasValidCrc } from './vietqr.ts';

const input = { agency: AGENCY, dossierCode: '000.00.01.H22-261121-0007', amount: 250000, description: 'Lệ phí <b>cấp phép</b> & thẩm định' };

let simulator: RunningSimulator;
let controls: SimulatorClient;
let services: TestServices;
let callbacks: ServerType;
let callbackUrl: string;
let messageCount = 0;

beforeAll(async () => {
  simulator = await startVietinbankSimulator({ host: '127.0.0.1', port: 0, log: silentLog, account: account() });
  controls = simulatorClient(simulator.url);
  // The gateway's callback endpoint, reduced to the plugin's handler.
  callbacks = serve({ fetch: async (request) => (await handleNotice(request, callbackContext(services, config()))).response, hostname: '127.0.0.1', port: 0 });
  await new Promise((resolve) => callbacks.once('listening', resolve));
  callbackUrl = `http://127.0.0.1:${(callbacks.address() as AddressInfo).port}/v1/callbacks/test-instance`;
});
afterAll(async () => {
  await simulator.close();
  await new Promise((resolve) => callbacks.close(resolve));
});
beforeEach(async () => {
  services = await openTestServices();
  await controls.control({ failRate: 0, latencyMs: 0, notices: 'auto' });
  await controls.clearReceived();
});
afterEach(() => services.dispose());

const config = (overrides: Record<string, unknown> = {}) => testConfig(overrides, simulator.url);
const context = (overrides: Record<string, unknown> = {}) =>
  operationContext(services, { config: config(overrides), callbackUrl, messageId: `msg_sim_${++messageCount}_${Date.now()}` });

const received = () => controls.received<ReceivedRequest | SentNotice>();

async function resendNotice(body: { paymentId?: string; copies?: number }): Promise<SentNotice[]> {
  const answer = await fetch(`${simulator.url}/__notices/resend`, { method: 'POST', body: JSON.stringify(body) });
  expect(answer.status).toBe(200);
  return (await answer.json()) as SentNotice[];
}

async function choose(paymentUrl: string, action: 'pay' | 'cancel') {
  return fetch(paymentUrl, { method: 'POST', body: new URLSearchParams({ action }) });
}

describe('VietinBank simulator, end to end with the plugin', () => {
  it('registers a payment, serves its page, and on Pay sends a signed notice the plugin takes once', async () => {
    const output = await create(input, context());
    expect(output.paymentUrl).toBe(`${simulator.url}/pay/${output.paymentId}`);
    expect(hasValidCrc(output.qr ?? '')).toBe(true);

    const page = await (await fetch(output.paymentUrl)).text();
    expect(page).toContain('<button type="submit" name="action" value="pay">Pay</button>');
    expect(page).toContain('Lệ phí &lt;b&gt;cấp phép&lt;/b&gt; &amp; thẩm định');
    expect(page).not.toContain('<b>cấp phép</b>');

    const paid = await choose(output.paymentUrl, 'pay');
    expect(paid.status).toBe(200);
    expect(await paid.text()).toContain('Payment received');

    expect(await query({ agency: AGENCY, paymentId: output.paymentId }, context())).toMatchObject({ status: 'paid', amount: 250000, providerReference: expect.stringMatching(/^VTB/) });
    expect((await services.emitted()).map((event) => event.type)).toEqual(['payment.succeeded']);
    const entries = await received();
    expect(entries.filter((entry) => entry.kind === 'create')).toEqual([expect.objectContaining({ paymentId: output.paymentId, amount: '250000', notifyUrl: callbackUrl, code: '00' })]);
    expect(entries.filter((entry) => entry.kind === 'notice')).toEqual([
      expect.objectContaining({ paymentId: output.paymentId, httpStatus: 200, errorCode: '00', answerVerified: true }),
    ]);
    // A paid payment is answered from the store: no inquiry was needed.
    expect(entries.filter((entry) => entry.kind === 'inquiry')).toEqual([]);
  });

  it('holds notices on request and sends the last one again, several copies at once: one payment, one event', async () => {
    await controls.control({ notices: 'held' });
    const output = await create(input, context());
    await choose(output.paymentUrl, 'pay');
    expect((await received()).filter((entry) => entry.kind === 'notice')).toEqual([]);

    const sent = await resendNotice({ copies: 4 });
    expect(sent).toHaveLength(4);
    for (const notice of sent) expect(notice).toMatchObject({ paymentId: output.paymentId, errorCode: '00', answerVerified: true });
    expect(new Set(sent.map((notice) => notice.transId)).size).toBe(1);
    expect(await services.emitted()).toHaveLength(1);
    expect((await services.records.get(output.paymentId))?.status).toBe('paid');
  });

  it('takes the notice delivery through /__control beside the fault settings', async () => {
    expect(await controls.control({ notices: 'held' })).toEqual({ failRate: 0, failMode: 'transient', latencyMs: 0, notices: 'held' });
    expect(await controls.control({ latencyMs: 0 })).toMatchObject({ notices: 'held' });
    const refused = await fetch(`${simulator.url}/__control`, { method: 'POST', body: JSON.stringify({ notices: 'later' }) });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ errors: [{ path: 'notices' }] });
  });

  it('Cancel closes the payment at the bank; a query then answers failed with a payment.failed event', async () => {
    const output = await create(input, context());
    expect(await (await choose(output.paymentUrl, 'cancel')).text()).toContain('Payment cancelled');
    expect((await choose(output.paymentUrl, 'pay')).status).toBe(409);
    expect(await query({ agency: AGENCY, paymentId: output.paymentId }, context())).toMatchObject({ status: 'failed' });
    expect(await services.emitted()).toEqual([{ type: 'payment.failed', agency: AGENCY, data: expect.objectContaining({ paymentId: output.paymentId, status: 'failed' }) }]);
  });

  it('a create whose answer never comes is looked up: with the bank slow on both, the payment stays pending, then settles', async () => {
    await controls.control({ failRate: 1, failMode: 'timeout' });
    await expect(create(input, context({ timeoutMs: 300 }))).rejects.toMatchObject({ name: 'RetryableError', code: 'UNCONFIRMED' });
    await controls.control({ failRate: 0 });

    const [record] = await services.records.list({ status: 'pending' });
    expect(record).toBeDefined();
    const paymentId = record?.key ?? '';
    expect(await query({ agency: AGENCY, paymentId }, context())).toMatchObject({ status: 'pending' });
    // The bank registered it exactly once: the look-ups asked, nothing created it again.
    const creates = (await received()).filter((entry) => entry.kind === 'create');
    expect(creates).toEqual([expect.objectContaining({ paymentId, code: '00 (answer withheld)' })]);
    await choose(`${simulator.url}/pay/${paymentId}`, 'pay');
    expect((await services.records.get(paymentId))?.status).toBe('paid');
  });

  it('a create whose answer is lost but the look-up answers is a success, not a second payment', async () => {
    const config = context({ timeoutMs: 300 });
    await controls.control({ failRate: 1, failMode: 'timeout' });
    const creating = create(input, config);
    // Once the bank has taken the create (and withholds the answer), the look-up that follows must get through.
    while (!(await received()).some((entry) => entry.kind === 'create')) await new Promise((resolve) => setTimeout(resolve, 10));
    await controls.control({ failRate: 0 });
    const output = await creating;
    expect(output.paymentUrl).toBe(`${simulator.url}/pay/${output.paymentId}`);
    expect((await received()).filter((entry) => entry.kind === 'create')).toHaveLength(1);
  });

  it('refuses a wrong client secret at the API gateway (401: permanent)', async () => {
    const wrongSecret = { ...config(), clientSecret: new Secret('wrong') };
    const refused = create(input, operationContext(services, { config: wrongSecret, callbackUrl, messageId: 'msg_wrong_secret' }));
    await expect(refused).rejects.toMatchObject({ name: 'PermanentError', code: 'HTTP_401' });
  });

  it("refuses a request signed with another key than the agency's (01: permanent)", async () => {
    const otherKey = { ...config(), privateKey: new Secret(rsaKeyPair().privateKey) };
    const refused = create(input, operationContext(services, { config: otherKey, callbackUrl, messageId: 'msg_wrong_key' }));
    await expect(refused).rejects.toMatchObject({ name: 'PermanentError', code: '01' });
  });

  it('refuses what a real bank refuses: a requestId over 12 characters, a stale transTime, a duplicate', async () => {
    const post = (body: Record<string, unknown>) =>
      fetch(`${simulator.url}${CREATE_PATH}`, {
        method: 'POST',
        headers: { 'x-ibm-client-id': account().clientId, 'x-ibm-client-secret': account().clientSecret, 'content-type': 'application/json' },
        body: JSON.stringify({ ...body, signature: signMessage('createRequest', body, account().agencyPrivateKey, 'sha256') }),
      }).then((answer) => answer.json() as Promise<{ status: { code: string } }>);
    const valid = {
      requestId: 'RAW000000001', providerId: 'LIENTHONG', merchantId: 'SANDBOX_H22', channel: 'WEB', version: '1.0', language: 'vi',
      transTime: new Date(Date.now() + 7 * 3_600_000).toISOString().replace(/\D/g, '').slice(0, 14), amount: '1000', currencyCode: 'VND',
      billNo: 'RAW000000001', remark: 'x', expireTime: '20991231235959', notifyUrl: callbackUrl,
    };
    expect((await post({ ...valid, requestId: 'RAW0000000012' })).status.code).toBe('02');
    expect((await post({ ...valid, transTime: '20200101000000' })).status.code).toBe('08');
    expect((await post({ ...valid, amount: '10.5' })).status.code).toBe('06');
    expect((await post(valid)).status.code).toBe('00');
    expect((await post(valid)).status.code).toBe('07');
    expect((await post({ ...valid, requestId: 'RAW000000002' })).status.code).toBe('05');
  });

  it.each([
    ['transient', 'RetryableError'],
    ['permanent', 'PermanentError'],
  ])('a %s fault reaches the plugin as a %s', async (failMode, name) => {
    await controls.control({ failRate: 1, failMode });
    for (let round = 0; round < 2; round++) await expect(create(input, context())).rejects.toMatchObject({ name });
  });
});
