import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { payloadDigest } from '../audit/entries.ts';
import type { AuditEntry } from '../store/types.ts';
import { AGENCY_A, START, type TestGateway, openTestGateway, paymentBody, smsBody } from './app-fixture.test-helper.ts';

/** What callers' requests write to the audit log: each message accepted, each sync call answered. */

let gateway: TestGateway;
beforeEach(async () => {
  gateway = await openTestGateway();
});
afterEach(() => gateway.dispose());

async function entries(action: string): Promise<AuditEntry[]> {
  return (await gateway.store.listAudit({}, 500)).filter((entry) => entry.action === action);
}

/** Sync calls are audited just after their answer: wait for `count` entries rather than assume they landed. */
const syncEntries = (count: number) =>
  vi.waitFor(async () => {
    const found = await entries('request.sync');
    expect(found).toHaveLength(count);
    return found;
  });

describe('the audit entry of an accepted message', () => {
  it("records the caller's key, the message and a digest of its payload, the reference masked", async () => {
    const response = await gateway.request('/v1/sms/send', { body: smsBody({ reference: 'HS-0001 0981234567' }) });
    expect(response.status).toBe(202);
    const { id } = (await response.json()) as { id: string };
    const stored = await gateway.message(id);

    expect(await entries('message.accepted')).toEqual([
      {
        seq: expect.any(Number),
        at: START,
        actor: `key:${gateway.client.key.id}`,
        action: 'message.accepted',
        messageId: id,
        instance: 'sms-a',
        summary: { capability: 'sms', operation: 'send', agency: AGENCY_A, reference: 'HS-0001 0981***567', payloadSha256: payloadDigest(stored.payload) },
        prevHash: expect.stringMatching(/^[0-9a-f]{64}$/),
        hash: expect.stringMatching(/^[0-9a-f]{64}$/),
      },
    ]);
    expect(JSON.stringify(await gateway.store.listAudit({}, 500))).not.toContain('0981234567');
  });

  it('records one entry however often an Idempotency-Key repeats the request, and none for a refused one', async () => {
    const headers = { 'idempotency-key': 'send-1' };
    for (let i = 0; i < 3; i++) expect((await gateway.request('/v1/sms/send', { body: smsBody(), headers })).status).toBe(202);
    expect((await gateway.request('/v1/sms/send', { body: smsBody({ text: 'other' }), headers })).status).toBe(422);
    expect((await gateway.request('/v1/sms/send', { body: smsBody({ to: 'nobody' }) })).status).toBe(400);
    expect(await entries('message.accepted')).toHaveLength(1);
  });
});

describe('the audit entry of a sync call', () => {
  it('records each outcome with the caller, a digest of the input and the masked error', async () => {
    expect((await gateway.request('/v1/payment/create', { body: paymentBody() })).status).toBe(200);
    gateway.payment.queue({ kind: 'retryable', error: 'bank: payer ông Nguyễn Văn An (0981234567) timed out', code: 'BANK_DOWN' });
    expect((await gateway.request('/v1/payment/create', { body: paymentBody() })).status).toBe(502);
    gateway.payment.queue({ kind: 'permanent', error: 'CCCD 046095001234 does not match', code: 'MISMATCH' });
    expect((await gateway.request('/v1/payment/create', { body: paymentBody() })).status).toBe(422);

    const [succeeded, failed, refused] = await syncEntries(3);
    const common = { at: START, actor: `key:${gateway.client.key.id}`, action: 'request.sync', instance: 'payment-a' };
    const summary = { capability: 'payment', operation: 'create', agency: AGENCY_A, inputSha256: payloadDigest(paymentBody()), durationMs: 0 };
    expect(succeeded).toMatchObject(common);
    expect(succeeded?.messageId).toBeUndefined();
    expect(succeeded?.summary).toEqual({ ...summary, callId: gateway.payment.calls[0]?.messageId, outcome: 'succeeded' });
    expect(failed?.summary).toEqual({
      ...summary,
      callId: gateway.payment.calls[1]?.messageId,
      outcome: 'failed',
      providerCode: 'BANK_DOWN',
      error: 'bank: payer ông N***** V** A* (0981***567) timed out',
    });
    expect(refused?.summary).toEqual({ ...summary, callId: gateway.payment.calls[2]?.messageId, outcome: 'refused', providerCode: 'MISMATCH', error: 'CCCD 046******234 does not match' });
    expect(await gateway.store.verifyAudit()).toMatchObject({ ok: true });
  });
});
