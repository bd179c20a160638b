/**
 * Whole-gateway: a fee payment through the sandbox child with the VietinBank plugin. The bank simulator runs
 * here, outside the child (LIENTHONG_TEST_EXTERNAL_SIMULATORS), with key pairs made for this run, so it keeps its
 * payments while the gateway restarts. The bank's notice of the payment arrives twice at once, then once more
 * after a restart of the gateway on the same database: the payment is paid once, the one-stop software gets one
 * `payment.succeeded` webhook, and the audit log holds all three notices. A create the bank took but never answered
 * (the caller sees a 502), repeated with the same Idempotency-Key, reaches the bank under the same requestId and
 * answers the first payment.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '../core/sdk/contract.ts';
import { simulatorClient, type SimulatorClient } from '../core/sdk/testing.ts';
import { newSandboxAccount } from '../plugins/payment-vietinbank/simulator/index.ts';
import type { SentNotice } from '../plugins/payment-vietinbank/simulator/notices.ts';
import { startVietinbankSimulator } from '../plugins/payment-vietinbank/simulator/server.ts';
import type { ReceivedWebhook } from '../core/webhooks/receiver.ts';
import { type ChildSandbox, startChildSandbox } from './support/child-sandbox.ts';

const CLIENT_KEY = 'lt_test_client_payment_vietinbank_0001';
const OPERATOR_KEY = 'lt_test_operator_payment_vietinbank_0001';
const INSTANCE = 'payment-vietinbank';

let dir: string;
let bank: RunningSimulator;
let bankControls: SimulatorClient;
let gateway: ChildSandbox | undefined;
let childEnv: Record<string, string>;

/** A port free now, so that the gateway listens on the same one after its restart (its callback URL is in the bank's hands). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address !== 'object') throw new Error('no TCP address');
  return address.port;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lienthong-vietinbank-'));
  const account = newSandboxAccount();
  bank = await startVietinbankSimulator({ host: '127.0.0.1', port: 0, log: pino({ level: 'silent' }), account });
  bankControls = simulatorClient(bank.url);
  const config = {
    endpoint: bank.url,
    clientId: account.clientId,
    clientSecret: { env: 'LIENTHONG_TEST_VTB_CLIENT_SECRET' },
    providerId: account.providerId,
    merchantId: account.merchantId,
    privateKey: { env: 'LIENTHONG_TEST_VTB_PRIVATE_KEY' },
    bankPublicKey: { env: 'LIENTHONG_TEST_VTB_BANK_PUBLIC_KEY' },
    // A bank that never answers is given up on soon: the create, then the look-up after it, each wait this long.
    timeoutMs: 1_500,
  };
  childEnv = {
    PORT: String(await freePort()),
    LIENTHONG_DB: join(dir, 'lienthong.db'),
    LIENTHONG_SANDBOX_CLIENT_KEY: CLIENT_KEY,
    LIENTHONG_SANDBOX_OPERATOR_KEY: OPERATOR_KEY,
    LIENTHONG_TEST_EXTERNAL_SIMULATORS: JSON.stringify({ [INSTANCE]: { url: bank.url, config } }),
    LIENTHONG_TEST_VTB_CLIENT_SECRET: account.clientSecret,
    LIENTHONG_TEST_VTB_PRIVATE_KEY: account.agencyPrivateKey,
    LIENTHONG_TEST_VTB_BANK_PUBLIC_KEY: account.bankPublicKey,
    LIENTHONG_TEST_DELIVERY: JSON.stringify({ baseDelayMs: 50, maxDelayMs: 400, breakerThreshold: 1000 }),
    LIENTHONG_TEST_WORKER: JSON.stringify({ leaseMarginMs: 500, pollIntervalMs: 50 }),
  };
  gateway = await startChildSandbox(childEnv);
});

afterAll(async () => {
  await stopGateway();
  await bank?.close();
  await rm(dir, { recursive: true, force: true });
});

async function stopGateway(): Promise<void> {
  await gateway?.stop();
}

function running(): ChildSandbox {
  if (!gateway) throw new Error('the gateway is not running');
  return gateway;
}

async function call<T>(path: string, key: string, body?: unknown): Promise<{ status: number; body: T }> {
  const answer = await fetch(`${running().url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: answer.status, body: (await answer.json()) as T };
}

async function resendNotices(body: { paymentId: string; copies: number }): Promise<SentNotice[]> {
  const answer = await fetch(`${bank.url}/__notices/resend`, { method: 'POST', body: JSON.stringify(body) });
  expect(answer.status).toBe(200);
  return (await answer.json()) as SentNotice[];
}

/** Polls `read` until `done` holds; fails with the last value (and the child's log) after `timeoutMs`. */
async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`still not there: ${JSON.stringify(value)}\n${running().stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** `paidAt` as both payment plugins write it: ISO 8601 in Vietnam time with its offset. */
const VIETNAM_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+07:00$/;

/** The agency this instance serves in the sandbox. */
async function paymentAgency(): Promise<string> {
  const { body: view } = await call<{ instances: Array<{ plugin: string; agencies: string[] }> }>('/admin/v1/instances', OPERATOR_KEY);
  const agencies = view.instances.find((instance) => instance.plugin === INSTANCE)?.agencies ?? [];
  expect(agencies.length).toBeGreaterThan(0);
  return agencies[0] === '*' ? '000.00.01.H22' : (agencies[0] ?? '');
}

interface AuditEntry {
  action: string;
  actor: string;
  instance: string | null;
  summary: Record<string, unknown>;
}

describe('payment-vietinbank through the whole gateway', () => {
  it('a payment notice delivered twice at once and once more after a restart pays once and sends one webhook', async () => {
    const agency = await paymentAgency();

    const created = await call<{ paymentId: string; paymentUrl: string; qr?: string; expiresAt: string }>('/v1/payment/create', CLIENT_KEY, {
      agency,
      dossierCode: `${agency}-261121-0042`,
      amount: 150000,
      description: 'Lệ phí cấp giấy phép xây dựng',
    });
    expect(created.status).toBe(200);
    const { paymentId, paymentUrl } = created.body;
    expect(paymentUrl).toBe(`${bank.url}/pay/${paymentId}`);
    const pending = await call<{ status: string }>('/v1/payment/query', CLIENT_KEY, { agency, paymentId });
    expect(pending.body).toMatchObject({ paymentId, status: 'pending', amount: 150000 });

    // The payer pays on the bank's page; the bank's notifier is late, then sends its notice twice at once.
    await bankControls.control({ notices: 'held' });
    const page = await fetch(paymentUrl, { method: 'POST', body: new URLSearchParams({ action: 'pay' }) });
    expect(page.status).toBe(200);
    const concurrent = await resendNotices({ paymentId, copies: 2 });
    expect(concurrent).toEqual([
      expect.objectContaining({ httpStatus: 200, errorCode: '00', answerVerified: true }),
      expect.objectContaining({ httpStatus: 200, errorCode: '00', answerVerified: true }),
    ]);

    // The one-stop software's receiver (in the child) gets one payment.succeeded, validly signed (it refuses others).
    const receiver = running().simulators.webhook;
    if (!receiver) throw new Error(`no webhook receiver in the sandbox: ${JSON.stringify(running().simulators)}`);
    const readReceived = () => simulatorClient(receiver).received<ReceivedWebhook | { rejected: string }>();
    const received = await eventually(readReceived, (entries) => entries.some((entry) => 'type' in entry && entry.type === 'payment.succeeded'));
    expect(received.filter((entry) => 'rejected' in entry)).toEqual([]);
    const succeeded = received.filter((entry): entry is ReceivedWebhook => 'type' in entry && entry.type === 'payment.succeeded');
    expect(succeeded).toEqual([
      expect.objectContaining({
        deliveries: 1,
        data: expect.objectContaining({ paymentId, amount: 150000, dossierCode: `${agency}-261121-0042`, providerReference: expect.stringMatching(/^VTB/), paidAt: expect.stringMatching(VIETNAM_TIME) }),
      }),
    ]);

    // The gateway restarts on the same database; the bank, still holding the payment, sends its notice again.
    await stopGateway();
    gateway = await startChildSandbox(childEnv);
    const [afterRestart] = await resendNotices({ paymentId, copies: 1 });
    expect(afterRestart).toMatchObject({ httpStatus: 200, errorCode: '00', answerVerified: true });

    const paid = await call<{ status: string; providerReference?: string }>('/v1/payment/query', CLIENT_KEY, { agency, paymentId });
    expect(paid.body).toMatchObject({ paymentId, status: 'paid', amount: 150000, providerReference: succeeded[0]?.data.providerReference, paidAt: succeeded[0]?.data.paidAt });

    // One payment.succeeded in the outbox across both runs: the restart's notice queued nothing.
    const { body: webhooks } = await call<{ messages: Array<{ payload: { event: { type: string; data: { paymentId?: string } } } }> }>(
      '/admin/v1/messages?capability=webhook&limit=200',
      OPERATOR_KEY,
    );
    const paymentEvents = webhooks.messages.filter((message) => message.payload.event.data.paymentId === paymentId);
    expect(paymentEvents.map((message) => message.payload.event.type)).toEqual(['payment.succeeded']);

    // All three notices are on the audit record, one of them the one that paid.
    const { body: audit } = await call<{ entries: AuditEntry[] }>('/admin/v1/audit?limit=1000', OPERATOR_KEY);
    const notices = audit.entries.filter((entry) => entry.action === 'callback.received' && entry.instance === INSTANCE);
    expect(notices).toHaveLength(3);
    for (const notice of notices) expect(notice).toMatchObject({ actor: `provider:${INSTANCE}`, summary: { accepted: true, status: 200, paymentId, errorCode: '00' } });
    expect(notices.map((notice) => notice.summary.duplicate).sort()).toEqual([false, true, true]);
  });

  it('a create repeated with the same Idempotency-Key after a 502 reaches the bank with the same requestId and answers the first payment', async () => {
    const agency = await paymentAgency();
    await bankControls.clearReceived();
    const createWithKey = () =>
      fetch(`${running().url}/v1/payment/create`, {
        method: 'POST',
        headers: { authorization: `Bearer ${CLIENT_KEY}`, 'content-type': 'application/json', 'idempotency-key': 'vtb-repeat-0001' },
        body: JSON.stringify({ agency, dossierCode: `${agency}-261121-0043`, amount: 90000, description: 'Lệ phí hồ sơ' }),
      });
    // The bank takes the create, and neither its answer nor the look-up's ever comes: the one-stop software sees a 502.
    await bankControls.control({ failRate: 1, failMode: 'timeout' });
    let first: Response;
    try {
      first = await createWithKey();
    } finally {
      await bankControls.control({ failRate: 0 });
    }
    expect(first.status).toBe(502);

    const repeated = await createWithKey();
    const created = (await repeated.json()) as { paymentId: string; paymentUrl: string };
    expect(repeated.status).toBe(200);
    expect(created.paymentUrl).toBe(`${bank.url}/pay/${created.paymentId}`);
    const received = await bankControls.received<{ kind: string; requestId?: string; code: string }>();
    expect(received.filter((entry) => entry.kind === 'create').map((entry) => [entry.requestId, entry.code])).toEqual([
      [created.paymentId, '00 (answer withheld)'],
      [created.paymentId, '07'],
    ]);
    const pending = await call<{ status: string }>('/v1/payment/query', CLIENT_KEY, { agency, paymentId: created.paymentId });
    expect(pending.body).toMatchObject({ status: 'pending', amount: 90000 });
  });

  it('a forged notice is refused with a signed error answer, changes nothing, and is audited as refused', async () => {
    const forged = { transId: 'NT999', transTime: '20261121093005', custCode: 'NOPAYMENT001', amount: '1', bankTransId: 'X', remark: '', signature: 'Zm9yZ2Vk' };
    const answer = await fetch(`${running().url}/v1/callbacks/${INSTANCE}`, { method: 'POST', body: JSON.stringify(forged) });
    expect(answer.status).toBe(200);
    expect(await answer.json()).toMatchObject({ transId: 'NT999', errorCode: '01', errorDesc: 'Invalid signature', signature: expect.any(String) });
    const { body: audit } = await call<{ entries: AuditEntry[] }>('/admin/v1/audit?limit=1000', OPERATOR_KEY);
    const refused = audit.entries.filter((entry) => entry.action === 'callback.received' && entry.summary.accepted === false);
    expect(refused).toEqual([expect.objectContaining({ summary: expect.objectContaining({ refused: 'invalid signature', transId: 'NT999', errorCode: '01' }) })]);
  });
});
