import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  AGENCY_A,
  DEFAULT_INSTANCES,
  type TestGateway,
  expectNothingStored,
  expectProblem,
  openTestGateway,
  paymentBody,
} from './app-fixture.test-helper.ts';
import { NotFoundError } from '../sdk/errors.ts';
import { DOCUMENT_BYTES, Gate, paymentCreated } from './test-plugins.test-helper.ts';

let gateway: TestGateway;
beforeEach(async () => {
  gateway = await openTestGateway({ instances: [...DEFAULT_INSTANCES, { id: 'ecard-all', plugin: 'test-ecard' }] });
});
afterEach(async () => {
  await gateway.dispose();
});

const create = (body: unknown = paymentBody(), headers: Record<string, string> = {}, token?: string) =>
  gateway.request('/v1/payment/create', { body, headers, ...(token ? { token } : {}) });

describe('a sync operation', () => {
  it("answers 200 with the plugin's result, and queues nothing", async () => {
    const response = await create();
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.json()).toEqual(paymentCreated(paymentBody().dossierCode));
    expect(gateway.payment.calls).toEqual([
      { operation: 'create', label: 'create', input: paymentBody(), messageId: expect.stringMatching(/^msg_/), attempt: 1 },
    ]);
    await expectNothingStored(gateway);
    expect(gateway.notify).not.toHaveBeenCalled();
  });

  it('answers a query', async () => {
    const response = await gateway.request('/v1/payment/query', { body: { agency: AGENCY_A, paymentId: 'PAY-1' } });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ paymentId: 'PAY-1', status: 'paid', amount: 50_000 });
  });

  it("answers 422 provider-refused to a PermanentError, with the provider's reason", async () => {
    gateway.payment.queue({ kind: 'permanent', error: 'dossier already paid', code: 'DUPLICATE' });
    const problem = await expectProblem(await create(), 422, 'provider-refused');
    expect(problem.detail).toBe('dossier already paid');
    expect(problem.title).toBe('Provider refused');
    await expectNothingStored(gateway);
  });

  it('answers 404 when the plugin says the thing asked about does not exist', async () => {
    gateway.payment.queue({ kind: 'crash', thrown: new NotFoundError('no payment PAY-404', { code: 'UNKNOWN_PAYMENT' }) });
    const problem = await expectProblem(await gateway.request('/v1/payment/query', { body: { agency: AGENCY_A, paymentId: 'PAY-404' } }), 404, 'not-found');
    expect(problem.detail).toBe('no payment PAY-404');
    await expectNothingStored(gateway);
  });

  it("answers 502 to a RetryableError, with the provider's Retry-After", async () => {
    gateway.payment.queue({ kind: 'retryable', error: 'bank gateway returned 503', retryAfterMs: 4_500 });
    const response = await create();
    const problem = await expectProblem(response, 502, 'provider-error');
    expect(problem.detail).toBe('bank gateway returned 503');
    expect(response.headers.get('retry-after')).toBe('5');
    await expectNothingStored(gateway);
  });

  it('answers 502 to an error outside the contract', async () => {
    gateway.payment.queue({ kind: 'crash', thrown: new TypeError('Cannot read properties of undefined') });
    const response = await create();
    await expectProblem(response, 502, 'provider-error');
    expect(response.headers.get('retry-after')).toBeNull();
  });

  it("answers 504 when the plugin runs past the instance's timeout", async () => {
    gateway.payment.queue({ kind: 'hang' });
    const problem = await expectProblem(await create(), 504, 'provider-timeout');
    expect(problem.detail).toBe('timed out after 100 ms');
    await expectNothingStored(gateway);
  });

  it('fails fast with 503 once the breaker has opened, without calling the plugin', async () => {
    gateway.payment.queue(
      { kind: 'retryable', error: 'down' },
      { kind: 'hang' },
      { kind: 'retryable', error: 'down' },
    );
    await expectProblem(await create(), 502, 'provider-error');
    await expectProblem(await create(), 504, 'provider-timeout');
    await expectProblem(await create(), 502, 'provider-error');
    expect(gateway.payment.calls).toHaveLength(3);

    const refused = await create();
    const problem = await expectProblem(refused, 503, 'circuit-open');
    expect(refused.headers.get('retry-after')).toBe('30');
    expect(problem.detail).toBe('the circuit of instance payment-a is open');
    await expectProblem(await gateway.request('/v1/payment/query', { body: { agency: AGENCY_A, paymentId: 'PAY-1' } }), 503, 'circuit-open');
    expect(gateway.payment.calls).toHaveLength(3);

    // After the cooldown one probe goes through, and its success closes the circuit.
    gateway.clock.t += 30_000;
    expect((await create()).status).toBe(200);
    expect((await create()).status).toBe(200);
    expect(gateway.payment.calls).toHaveLength(5);
    await expectNothingStored(gateway);
  });

  it('does not count a refusal towards the breaker', async () => {
    gateway.payment.queue(...Array.from({ length: 4 }, () => ({ kind: 'permanent' as const, error: 'amount over the limit' })));
    for (let i = 0; i < 4; i++) await expectProblem(await create(), 422, 'provider-refused');
    expect((await create()).status).toBe(200);
  });
});

describe('Idempotency-Key on a sync operation', () => {
  const key = { 'idempotency-key': 'pay-000.00.01.H22-260301-0001' };

  it('answers a repeat with the stored first answer without calling the plugin again', async () => {
    const first = await create(paymentBody(), key);
    expect(first.status).toBe(200);
    const firstBody = await first.text();

    const again = await create(paymentBody(), key);
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await again.text()).toBe(firstBody);
    expect(gateway.payment.calls).toHaveLength(1);
    expect(await gateway.store.getStoredResponse(gateway.client.key.id, key['idempotency-key'])).toMatchObject({ status: 200, body: firstBody });
  });

  it('answers 422 to the same key with another body, without calling the plugin', async () => {
    await create(paymentBody(), key);
    const problem = await expectProblem(await create(paymentBody({ amount: 60_000 }), key), 422, 'idempotency-conflict');
    expect(problem.detail).toBe('this Idempotency-Key was used with another request');
    expect(gateway.payment.calls).toHaveLength(1);
    await expectNothingStored(gateway);
  });

  it('answers 409 to a duplicate while the first is still running', async () => {
    const gate = new Gate();
    gateway.payment.queue({ kind: 'block', gate });
    const first = create(paymentBody(), key);
    await gate.reached;

    const duplicate = await create(paymentBody(), key);
    const problem = await expectProblem(duplicate, 409, 'idempotency-in-progress');
    expect(problem.detail).toBe('a request with this Idempotency-Key is still running');
    expect(gateway.payment.calls).toHaveLength(1);

    gate.release();
    expect((await first).status).toBe(200);
    const after = await create(paymentBody(), key);
    expect(after.status).toBe(200);
    expect(after.headers.get('idempotent-replayed')).toBe('true');
    expect(gateway.payment.calls).toHaveLength(1);
    await expectNothingStored(gateway);
  });

  it("keeps two API keys' answers apart", async () => {
    const other = await gateway.newKey('client', [AGENCY_A]);
    await create(paymentBody(), key);
    const theirs = await create(paymentBody(), key, other.token);
    expect(theirs.status).toBe(200);
    expect(theirs.headers.get('idempotent-replayed')).toBeNull();
    expect(gateway.payment.calls).toHaveLength(2);
  });

  it('answers a repeat of a refused request with the same refusal, without calling the plugin again', async () => {
    gateway.payment.queue({ kind: 'permanent', error: 'dossier already paid', code: 'DUPLICATE' });
    const first = await expectProblem(await create(paymentBody(), key), 422, 'provider-refused');

    const repeated = await create(paymentBody(), key);
    expect(repeated.headers.get('idempotent-replayed')).toBe('true');
    const again = await expectProblem(repeated, 422, 'provider-refused');
    expect(again).toEqual(first);
    expect(gateway.payment.calls).toHaveLength(1);
  });

  it('does not keep a failure that a retry may cure: the repeat reaches the provider', async () => {
    gateway.payment.queue({ kind: 'retryable', error: 'bank gateway returned 503' });
    await expectProblem(await create(paymentBody(), key), 502, 'provider-error');
    expect(await gateway.store.getStoredResponse(gateway.client.key.id, key['idempotency-key'])).toBeUndefined();

    const retried = await create(paymentBody(), key);
    expect(retried.status).toBe(200);
    expect(retried.headers.get('idempotent-replayed')).toBeNull();
    expect(gateway.payment.calls).toHaveLength(2);
    // The provider hears the repeat under the first call's id: a bank that spots duplicates answers the first payment.
    const [firstCall, secondCall] = gateway.payment.calls;
    expect(secondCall?.messageId).toBe(firstCall?.messageId);
    expect(firstCall?.messageId).toMatch(/^msg_[0-9A-HJKMNP-TV-Z]{26}$/);
  });

  it('gives calls without an Idempotency-Key, with different keys, or with another body under a key, different ids', async () => {
    await create();
    await create();
    await create(paymentBody(), { 'idempotency-key': 'a' });
    await create(paymentBody(), { 'idempotency-key': 'b' });
    gateway.payment.queue({ kind: 'retryable', error: 'bank gateway returned 503' });
    await create(paymentBody(), { 'idempotency-key': 'c' });
    await create({ ...paymentBody(), amount: 99_000 }, { 'idempotency-key': 'c' });
    expect(new Set(gateway.payment.calls.map((call) => call.messageId)).size).toBe(6);
  });

  it('answers 400 to a malformed key without calling the plugin', async () => {
    const problem = await expectProblem(await create(paymentBody(), { 'idempotency-key': 'x'.repeat(300) }), 400, 'validation');
    expect(problem.errors?.map((issue) => issue.path)).toEqual(['Idempotency-Key']);
    expect(gateway.payment.calls).toEqual([]);
  });

  it('answers a repeated file request with the same bytes and content type', async () => {
    const body = { agency: AGENCY_A, cardNumber: 'EC-123456', documentId: 'GP-01' };
    const fileKey = { 'idempotency-key': 'doc-gp-01' };
    const first = await gateway.request('/v1/ecard/document', { body, headers: fileKey });
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toBe('application/pdf');
    expect(first.headers.get('content-disposition')).toBe('attachment; filename="GP-01.pdf"');
    expect(new Uint8Array(await first.arrayBuffer())).toEqual(DOCUMENT_BYTES);

    const again = await gateway.request('/v1/ecard/document', { body, headers: fileKey });
    expect(again.status).toBe(200);
    expect(again.headers.get('content-type')).toBe('application/pdf');
    expect(new Uint8Array(await again.arrayBuffer())).toEqual(DOCUMENT_BYTES);
    // A file answer is not kept (the store keeps text without headers): the repeat fetches it again.
    expect(gateway.ecard.calls).toHaveLength(2);
  });
});

describe('the audit trail of sync calls', () => {
  /** The entry is written off the answer's path: wait for it rather than assume it landed. */
  async function syncEntries(count: number) {
    for (let tries = 0; tries < 100; tries++) {
      const entries = (await gateway.store.listAudit({}, 100)).filter((entry) => entry.action === 'request.sync');
      if (entries.length >= count) return entries;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error(`fewer than ${count} request.sync entries`);
  }

  it('records each call with who asked, the outcome and a digest of the input, never the input itself', async () => {
    expect((await create()).status).toBe(200);
    gateway.payment.queue({ kind: 'permanent', error: 'payer 0981234567 is blocked', code: 'BLOCKED' });
    expect((await create()).status).toBe(422);

    const [succeeded, refused] = await syncEntries(2);
    expect(succeeded).toMatchObject({
      actor: `key:${gateway.client.key.id}`,
      instance: 'payment-a',
      summary: { capability: 'payment', operation: 'create', agency: AGENCY_A, outcome: 'succeeded', inputSha256: expect.stringMatching(/^[0-9a-f]{64}$/) },
    });
    expect(refused).toMatchObject({ summary: { outcome: 'refused', providerCode: 'BLOCKED' } });
    const written = JSON.stringify([succeeded, refused]);
    expect(written).not.toContain(paymentBody().description);
    expect(written).not.toContain('0981234567');
    expect(await gateway.store.verifyAudit()).toMatchObject({ ok: true });
  });
});
