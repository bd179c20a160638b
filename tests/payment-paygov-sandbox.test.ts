/**
 * Whole-gateway: the sandbox runs as a real child process with every plugin; of its two agencies, 000.00.01.H22 pays
 * through VietinBank and 000.00.02.H22 through the national portal's payment platform (payment-paygov), each
 * provider with its own simulator. A payment is created through the unified API, the payer presses Pay on the
 * simulator's page, the signed result reaches the gateway's callback (and is sent again, twice at once and once more),
 * the query answers paid, and the one-stop software's webhook receiver gets exactly one payment.succeeded. A forged
 * result is answered with an error, changes nothing, and is in the audit log. A query about an unknown payment is a 404.
 * A create whose answer the platform sends too late (the caller sees a 504), repeated with the same Idempotency-Key,
 * answers the first payment's page: one MaThamChieu at the platform, one payment.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulatorClient, type SimulatorClient } from '../core/sdk/testing.ts';
import type { ReceivedWebhook } from '../core/webhooks/receiver.ts';
import { type ChildSandbox, startChildSandbox } from './support/child-sandbox.ts';

const CLIENT_KEY = 'lt_test_client_payment_paygov_0001';
const OPERATOR_KEY = 'lt_test_operator_payment_paygov_0001';
const AGENCY = '000.00.02.H22';
const INSTANCE = 'payment-paygov';

interface AuditView {
  seq: number;
  actor: string;
  action: string;
  instance: string | null;
  summary: Record<string, unknown>;
}

let dir: string;
let gateway: ChildSandbox;
let platform: string;
let platformControls: SimulatorClient;
let receiver: SimulatorClient;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lienthong-paygov-'));
  gateway = await startChildSandbox({
    LIENTHONG_DB: join(dir, 'lienthong.db'),
    LIENTHONG_SANDBOX_CLIENT_KEY: CLIENT_KEY,
    LIENTHONG_SANDBOX_OPERATOR_KEY: OPERATOR_KEY,
    LIENTHONG_TEST_DELIVERY: JSON.stringify({ baseDelayMs: 50, maxDelayMs: 400, timeoutMs: 5000 }),
    LIENTHONG_TEST_WORKER: JSON.stringify({ leaseMarginMs: 500, pollIntervalMs: 50 }),
  });
  const urls = gateway.simulators;
  if (!urls[INSTANCE] || !urls.webhook) throw new Error(`the sandbox runs no payment-paygov or webhook simulator: ${JSON.stringify(urls)}`);
  platform = urls[INSTANCE];
  platformControls = simulatorClient(platform);
  receiver = simulatorClient(urls.webhook);
});

afterAll(async () => {
  await gateway?.stop();
  await rm(dir, { recursive: true, force: true });
});

async function call<T>(operation: 'create' | 'query', body: Record<string, unknown>): Promise<T> {
  const answer = await fetch(`${gateway.url}/v1/payment/${operation}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${CLIENT_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ agency: AGENCY, ...body }),
  });
  const text = await answer.text();
  expect(answer.status, text).toBe(200);
  return JSON.parse(text) as T;
}

const createPayment = (dossierCode: string) =>
  call<{ paymentId: string; paymentUrl: string; expiresAt: string }>('create', { dossierCode, amount: 75_000, description: 'Lệ phí cấp giấy phép xây dựng' });

const paymentStatus = async (paymentId: string) => (await call<{ status: string }>('query', { paymentId })).status;

async function succeededWebhooks(paymentId: string): Promise<ReceivedWebhook[]> {
  const entries = await receiver.received<Partial<ReceivedWebhook>>();
  return entries.filter((entry): entry is ReceivedWebhook => entry.type === 'payment.succeeded' && entry.data?.paymentId === paymentId);
}

async function asOperator<T>(path: string): Promise<T> {
  const answer = await fetch(`${gateway.url}${path}`, { headers: { authorization: `Bearer ${OPERATOR_KEY}` } });
  expect(answer.status).toBe(200);
  return (await answer.json()) as T;
}

interface WebhookMessage {
  id: string;
  status: string;
  payload: { event?: { type?: string; data?: { paymentId?: string } } };
}

/**
 * The webhook messages queued with `type` about one payment. An event is queued in the transaction that moves the
 * payment, so once the callback has answered, this count is final: no waiting for what should not come.
 */
async function queuedEvents(type: string, paymentId: string): Promise<WebhookMessage[]> {
  const { messages } = await asOperator<{ messages: WebhookMessage[] }>('/admin/v1/messages?capability=webhook&limit=200');
  return messages.filter((message) => message.payload.event?.type === type && message.payload.event.data?.paymentId === paymentId);
}

/** Every audit entry, paged by seq. */
async function auditEntries(): Promise<AuditView[]> {
  const entries: AuditView[] = [];
  let afterSeq: number | null = 0;
  while (afterSeq !== null) {
    const page: { entries: AuditView[]; nextAfterSeq: number | null } = await asOperator(`/admin/v1/audit?afterSeq=${afterSeq}&limit=500`);
    entries.push(...page.entries);
    afterSeq = page.nextAfterSeq;
  }
  return entries;
}

/** `paidAt` as both payment plugins write it: ISO 8601 in Vietnam time with its offset. */
const VIETNAM_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+07:00$/;

/** The INIT and QUERY messages the platform simulator received (not the results it sent). */
async function platformMessages(): Promise<Array<{ kind: string; reference: string; maLoi: string }>> {
  const entries = await platformControls.received<{ kind: string; reference: string; maLoi: string }>();
  return entries.filter((entry) => entry.kind === 'INIT' || entry.kind === 'QUERY');
}

async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`${what} did not happen in time\n${gateway.stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('payment-paygov through the whole gateway', () => {
  it('routes each of the two agencies to its own payment provider', async () => {
    const { instances } = await asOperator<{ instances: Array<{ plugin: string; agencies: string[] }> }>('/admin/v1/instances');
    const agenciesOf = (plugin: string) => instances.find((instance) => instance.plugin === plugin)?.agencies;
    expect(agenciesOf('payment-vietinbank')).toEqual(['000.00.01.H22']);
    expect(agenciesOf(INSTANCE)).toEqual([AGENCY]);

    const body = { dossierCode: '000.00.01.H22-261121-0009', amount: 75_000, description: 'Lệ phí hồ sơ' };
    const viaBank = await call<{ paymentUrl: string }>('create', { ...body, agency: '000.00.01.H22' });
    expect(viaBank.paymentUrl.startsWith(`${gateway.simulators['payment-vietinbank']}/`)).toBe(true);
    const viaPortal = await createPayment('000.00.02.H22-261121-0009');
    expect(viaPortal.paymentUrl.startsWith(`${platform}/`)).toBe(true);
  });

  it('a press of Pay ends in paid, and the result sent again, twice at once and once more, sends one payment.succeeded', async () => {
    const { paymentId, paymentUrl } = await createPayment('000.00.02.H22-261121-0001');
    expect(paymentUrl).toBe(`${platform}/pay/${paymentId}`);
    expect(await paymentStatus(paymentId)).toBe('pending');

    const page = await (await fetch(paymentUrl)).text();
    expect(page).toContain('>Pay</button>');
    const pressed = await fetch(paymentUrl, { method: 'POST', body: new URLSearchParams({ action: 'pay' }) });
    expect(pressed.status).toBe(200);
    expect(await pressed.text()).toContain('<code id="callback-status">200</code>');
    expect(await paymentStatus(paymentId)).toBe('paid');

    // The platform sends the same result again (its retry): taken each time, applied never again.
    const resend = async () => (await fetch(`${platform}/__resend/${paymentId}`, { method: 'POST' })).json();
    const resent = [...(await Promise.all([resend(), resend()])), await resend()];
    for (const answer of resent) expect(answer).toMatchObject({ callbackStatus: 200, callbackAnswer: { MaLoi: '00' } });
    expect(await paymentStatus(paymentId)).toBe('paid');

    expect(await queuedEvents('payment.succeeded', paymentId)).toHaveLength(1);
    const audit = await auditEntries();
    const moves = audit.filter((entry) => entry.action === 'record.transition' && entry.summary.key === paymentId);
    // The first move keeps the page INIT answered, for a repeat of the create.
    expect(moves.map((entry) => [entry.summary.from, entry.summary.to])).toEqual([
      ['pending', 'pending'],
      ['pending', 'paid'],
    ]);
    const notices = audit.filter((entry) => entry.action === 'callback.received' && entry.summary.paymentId === paymentId);
    expect(notices.map((entry) => [entry.summary.accepted, entry.summary.applied])).toEqual([
      [true, true],
      [true, false],
      [true, false],
      [true, false],
    ]);

    // The one queued event reaches the receiver (which takes only validly signed webhooks), once.
    const [delivered, ...more] = await eventually('the payment.succeeded webhook', async () => {
      const found = await succeededWebhooks(paymentId);
      return found.length > 0 ? found : undefined;
    });
    expect(more).toEqual([]);
    expect(delivered).toMatchObject({ type: 'payment.succeeded', data: { paymentId, dossierCode: '000.00.02.H22-261121-0001', amount: 75_000, paidAt: expect.stringMatching(VIETNAM_TIME) } });
    expect(await call<{ paidAt?: string }>('query', { paymentId })).toMatchObject({ paidAt: delivered?.data.paidAt });
  });

  it('a create whose answer was lost (504), repeated with the same Idempotency-Key, opens the first payment again, not a second', async () => {
    await platformControls.clearReceived();
    const createWithKey = async () => {
      const answer = await fetch(`${gateway.url}/v1/payment/create`, {
        method: 'POST',
        headers: { authorization: `Bearer ${CLIENT_KEY}`, 'content-type': 'application/json', 'idempotency-key': 'paygov-repeat-0001' },
        body: JSON.stringify({ agency: AGENCY, dossierCode: '000.00.02.H22-261121-0003', amount: 75_000, description: 'Lệ phí hồ sơ' }),
      });
      return { status: answer.status, body: (await answer.json()) as { paymentId: string; paymentUrl: string } };
    };
    // The platform takes the INIT, but answers after the gateway's 5 s: the one-stop software sees a 504.
    await platformControls.control({ latencyMs: 6_000 });
    let first: Awaited<ReturnType<typeof createWithKey>>;
    try {
      first = await createWithKey();
      await eventually('the platform taking the INIT', async () => ((await platformMessages()).some((entry) => entry.kind === 'INIT') ? true : undefined));
    } finally {
      await platformControls.control({ latencyMs: 0 });
    }
    expect(first.status).toBe(504);

    const repeated = await createWithKey();
    expect(repeated.status).toBe(200);
    const { paymentId, paymentUrl } = repeated.body;
    expect(paymentUrl).toBe(`${platform}/pay/${paymentId}`);
    // One MaThamChieu throughout: the lost INIT, the QUERY that found it pending, the same INIT again.
    expect((await platformMessages()).map((entry) => [entry.kind, entry.reference, entry.maLoi])).toEqual([
      ['INIT', paymentId, '00'],
      ['QUERY', paymentId, '00'],
      ['INIT', paymentId, '00'],
    ]);

    await fetch(paymentUrl, { method: 'POST', body: new URLSearchParams({ action: 'pay' }) });
    expect(await paymentStatus(paymentId)).toBe('paid');
    expect(await queuedEvents('payment.succeeded', paymentId)).toHaveLength(1);
  });

  it('answers a query about an unknown payment with 404 problem+json', async () => {
    const answer = await fetch(`${gateway.url}/v1/payment/query`, {
      method: 'POST',
      headers: { authorization: `Bearer ${CLIENT_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ agency: AGENCY, paymentId: 'PG01UNKNOWN' }),
    });
    expect(answer.status).toBe(404);
    expect(answer.headers.get('content-type')).toBe('application/problem+json');
    expect(await answer.json()).toMatchObject({ status: 404, type: 'urn:lienthong:problem:not-found', detail: 'no payment PG01UNKNOWN for this agency' });
  });

  it('answers a forged result with an error, keeps the payment pending, and audits the refusal', async () => {
    const { paymentId } = await createPayment('000.00.02.H22-261121-0002');
    const fields = {
      LoaiBanTin: 'CONFIRM',
      MaLoi: '00',
      MaDoiTac: 'LIENTHONG_SANDBOX',
      MaThamChieu: paymentId,
      SoTien: '75000',
      MaTienTe: 'VND',
      MaGiaoDich: 'GD-FORGED',
      MaNganHang: 'NCB',
      ThoiGianGD: '20261121093000',
      ThongTinGiaoDich: 'Le phi cap giay phep xay dung',
    };
    const forgedHash = createHash('sha256').update(`${Object.values(fields).join('|')}|guessed-secret`).digest('hex');
    const answer = await fetch(`${gateway.url}/v1/callbacks/${INSTANCE}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...fields, MaXacThuc: forgedHash }),
    });
    expect(await answer.json()).toEqual({ MaLoi: '01', MoTaLoi: 'Sai mã xác thực' });
    expect(await paymentStatus(paymentId)).toBe('pending');

    const refusal = (await auditEntries()).find((entry) => entry.action === 'callback.received' && entry.summary.paymentId === paymentId);
    expect(refusal).toMatchObject({ actor: `provider:${INSTANCE}`, instance: INSTANCE, summary: { accepted: false, refused: 'bad MaXacThuc', status: 200 } });
    expect(await queuedEvents('payment.succeeded', paymentId)).toEqual([]);
  });
});
