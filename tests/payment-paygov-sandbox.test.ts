/**
 * Whole-gateway: the sandbox runs as a real child process with every plugin; agency 000.00.02.H22 pays through the
 * national portal's payment platform (payment-paygov) and its simulator. A payment is created through the unified
 * API, the payer presses Pay on the simulator's page, the signed result reaches the gateway's callback, the query
 * answers paid, and the one-stop software's webhook receiver gets exactly one payment.succeeded. A forged result
 * is answered with an error, changes nothing, and is in the audit log. A query about an unknown payment is a 404.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReceivedWebhook } from '../plugins/webhook/receiver.ts';
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
let receiver: string;

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
  receiver = urls.webhook;
});

afterAll(async () => {
  if (gateway && gateway.child.exitCode === null && gateway.child.signalCode === null) gateway.child.kill('SIGTERM');
  await gateway?.exited;
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
  const entries = (await (await fetch(`${receiver}/__received`)).json()) as Array<Partial<ReceivedWebhook>>;
  return entries.filter((entry): entry is ReceivedWebhook => entry.type === 'payment.succeeded' && entry.data?.paymentId === paymentId);
}

/** Every audit entry, paged by seq. */
async function auditEntries(): Promise<AuditView[]> {
  const entries: AuditView[] = [];
  let afterSeq: number | null = 0;
  while (afterSeq !== null) {
    const answer = await fetch(`${gateway.url}/admin/v1/audit?afterSeq=${afterSeq}&limit=500`, { headers: { authorization: `Bearer ${OPERATOR_KEY}` } });
    expect(answer.status).toBe(200);
    const page = (await answer.json()) as { entries: AuditView[]; nextAfterSeq: number | null };
    entries.push(...page.entries);
    afterSeq = page.nextAfterSeq;
  }
  return entries;
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
  it('routes the agency to the platform, and a press of Pay ends in paid and exactly one payment.succeeded', async () => {
    const { paymentId, paymentUrl } = await createPayment('000.00.02.H22-261121-0001');
    expect(paymentUrl).toBe(`${platform}/pay/${paymentId}`);
    expect(await paymentStatus(paymentId)).toBe('pending');

    const page = await (await fetch(paymentUrl)).text();
    expect(page).toContain('>Pay</button>');
    const pressed = await fetch(paymentUrl, { method: 'POST', body: new URLSearchParams({ action: 'pay' }) });
    expect(pressed.status).toBe(200);
    expect(await pressed.text()).toContain('<code id="callback-status">200</code>');

    expect(await paymentStatus(paymentId)).toBe('paid');
    const [delivered] = await eventually('the payment.succeeded webhook', async () => {
      const found = await succeededWebhooks(paymentId);
      return found.length > 0 ? found : undefined;
    });
    expect(delivered).toMatchObject({ type: 'payment.succeeded', data: { paymentId, dossierCode: '000.00.02.H22-261121-0001', amount: 75_000 } });

    // The platform sends the same result again: taken, but no second event.
    const resent = await fetch(`${platform}/__resend/${paymentId}`, { method: 'POST' });
    expect(await resent.json()).toMatchObject({ callbackStatus: 200, callbackAnswer: { MaLoi: '00' } });
    expect(await paymentStatus(paymentId)).toBe('paid');
    // Give the outbox a moment to deliver anything it should not have.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await succeededWebhooks(paymentId)).toHaveLength(1);
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
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await succeededWebhooks(paymentId)).toEqual([]);
  });
});
