import { describe, expect, it } from 'vitest';
import { payloadDigest } from '../audit/entries.ts';
import type { AuditEntry } from '../store/types.ts';
import { Gate, block, crash, permanent, retryable } from './scripted-plugin.test-helper.ts';
import { AGENCY, type Fixture, useFixtures, SMS, T0, WEBHOOK } from './worker-fixture.test-helper.ts';

/** What the worker writes to the audit log for each attempt: one `attempt` entry per outcome, in its transaction. */

const setup = useFixtures();

const PHONE_ERROR = 'subscriber 0981234567 is blocked';
const PHONE_MASKED = 'subscriber 0981***567 is blocked';

async function attemptEntries(f: Fixture, messageId: string): Promise<AuditEntry[]> {
  return (await f.db.store.listAudit({ messageId }, 100)).filter((entry) => entry.action === 'attempt');
}

describe('the audit entry of an attempt', () => {
  it('records a success: who, which message, the outcome and how long it took', async () => {
    const f = await setup();
    const gate = new Gate();
    f.sms.queue(block(gate));
    const m = await f.send('Hồ sơ đã có kết quả');
    const delivering = f.worker.deliverDue({ wait: true });
    await gate.reached;
    f.advance(1_500);
    gate.release();
    await delivering;

    const entries = await attemptEntries(f, m.id);
    expect(entries).toEqual([
      expect.objectContaining({
        at: T0 + 1_500,
        actor: 'worker',
        action: 'attempt',
        messageId: m.id,
        instance: SMS,
        summary: { attempt: 1, of: 8, round: 0, outcome: 'succeeded', status: 'succeeded', durationMs: 1_500 },
      }),
    ]);
    expect(await f.db.store.verifyAudit()).toMatchObject({ ok: true });
  });

  it('records a retry with the provider code, the masked error and when it is tried again', async () => {
    const f = await setup({ sms: { baseDelayMs: 1_000 } });
    f.sms.queue(retryable(PHONE_ERROR));
    const m = await f.send('x');
    await f.worker.deliverDue({ wait: true });

    const { nextAttemptAt } = await f.row(m.id);
    expect(await attemptEntries(f, m.id)).toEqual([
      expect.objectContaining({
        actor: 'worker',
        messageId: m.id,
        instance: SMS,
        summary: { attempt: 1, of: 8, round: 0, outcome: 'retry', status: 'queued', durationMs: 0, providerCode: 'UNAVAILABLE', error: PHONE_MASKED, nextAttemptAt },
      }),
    ]);
  });

  it('records what a plugin threw that is not one of its errors, masked', async () => {
    const f = await setup({ sms: { baseDelayMs: 1_000 } });
    f.sms.queue(crash(new TypeError(`cannot reach ${'0981234567'}`)));
    const m = await f.send('x');
    await f.worker.deliverDue({ wait: true });
    const [entry] = await attemptEntries(f, m.id);
    expect(entry?.summary).toMatchObject({ outcome: 'retry', status: 'queued', error: 'cannot reach 0981***567' });
    expect(entry?.summary).not.toHaveProperty('providerCode');
  });

  it("records a refusal as dead, and the message.dead event it queued as accepted by the worker", async () => {
    const f = await setup();
    f.sms.queue(permanent(PHONE_ERROR));
    const m = await f.send('x', { reference: 'HS-0001' });
    await f.worker.deliverDue({ wait: true });

    expect(await attemptEntries(f, m.id)).toEqual([
      expect.objectContaining({
        actor: 'worker',
        messageId: m.id,
        instance: SMS,
        summary: { attempt: 1, of: 8, round: 0, outcome: 'dead', status: 'dead', durationMs: 0, providerCode: 'REFUSED', error: PHONE_MASKED },
      }),
    ]);
    const [event] = (await f.db.store.listMessages({ instance: WEBHOOK }, { limit: 10 })).messages;
    expect(await f.db.store.listAudit({ messageId: event?.id }, 10)).toEqual([
      expect.objectContaining({
        actor: 'worker',
        action: 'message.accepted',
        messageId: event?.id,
        instance: WEBHOOK,
        summary: { capability: 'webhook', operation: 'deliver', agency: AGENCY, payloadSha256: payloadDigest(event?.payload) },
      }),
    ]);
    // The webhook's payload carries the error for the agency's own system; the audit entry never does.
    expect(JSON.stringify(await f.db.store.listAudit({}, 100))).not.toContain('0981234567');
  });

  it('records the last attempt of an exhausted budget as dead', async () => {
    const f = await setup({ sms: { maxAttempts: 2, baseDelayMs: 1_000 } });
    f.sms.queue(retryable('HTTP 503'), retryable('HTTP 502'));
    const m = await f.send('x');
    await f.worker.deliverDue({ wait: true });
    f.advance(1_000);
    await f.worker.deliverDue({ wait: true });

    expect((await attemptEntries(f, m.id)).map((entry) => entry.summary)).toEqual([
      expect.objectContaining({ attempt: 1, of: 2, outcome: 'retry', status: 'queued', error: 'HTTP 503' }),
      { attempt: 2, of: 2, round: 0, outcome: 'dead', status: 'dead', durationMs: 0, providerCode: 'UNAVAILABLE', error: 'HTTP 502' },
    ]);
  });

  it('records a message closed without an attempt (max age) as skipped', async () => {
    const f = await setup({ sms: { maxAgeMs: 60_000 } });
    const m = await f.send('x');
    f.at(T0 + 60_000);
    await f.worker.deliverDue({ wait: true });

    expect(f.sms.calls).toEqual([]);
    expect(await attemptEntries(f, m.id)).toEqual([
      expect.objectContaining({
        at: T0 + 60_000,
        actor: 'worker',
        messageId: m.id,
        summary: { attempt: 1, of: 8, round: 0, outcome: 'skipped', status: 'dead', durationMs: 0, error: 'max age reached' },
      }),
    ]);
  });

  it('counts the round: an attempt after a replay says which replay it belongs to', async () => {
    const f = await setup();
    f.sms.queue(permanent('refused'));
    const m = await f.send('x');
    await f.worker.deliverDue({ wait: true });
    await f.db.store.replay({ ids: [m.id] }, f.now(), () => 86_400_000, 'cli');
    await f.worker.deliverDue({ wait: true });

    expect((await attemptEntries(f, m.id)).map((entry) => [entry.summary.round, entry.summary.attempt, entry.summary.outcome])).toEqual([
      [0, 1, 'dead'],
      [1, 1, 'succeeded'],
    ]);
  });
});
