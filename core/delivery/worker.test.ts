import { describe, expect, it, vi } from 'vitest';
import { crash, hang, permanent, retryable } from './scripted-plugin.test-helper.ts';
import { AGENCY, type Fixture, useFixtures, SMS, T0, WEBHOOK } from './worker-fixture.test-helper.ts';

const setup = useFixtures();

/** What subscriptions were sent: the webhook instance's messages, oldest first. */
async function webhookMessages(f: Fixture) {
  return (await f.db.store.listMessages({ instance: WEBHOOK }, { limit: 50 })).messages.reverse();
}

describe('DeliveryWorker: one message', () => {
  it('delivers a due message and records the attempt', async () => {
    const f = await setup();
    const m = await f.send('Hồ sơ đã có kết quả');

    expect(await f.worker.deliverDue({ wait: true })).toBe(1);

    expect(await f.row(m.id)).toMatchObject({
      status: 'succeeded', attempts: 1, nextAttemptAt: null, leaseOwner: null, leaseUntil: null, lastError: null,
      result: { providerMessage: 'OK', providerCode: '0', segments: 1 }, updatedAt: T0,
    });
    expect(await f.db.store.listAttempts(m.id)).toEqual([
      { messageId: m.id, round: 0, number: 1, startedAt: T0, finishedAt: T0, outcome: 'succeeded', error: null, providerCode: null },
    ]);
    expect(f.sms.calls).toMatchObject([{ messageId: m.id, attempt: 1, input: { agency: AGENCY, to: '84981234567', text: 'Hồ sơ đã có kết quả' } }]);
    expect(await f.worker.deliverDue({ wait: true })).toBe(0);
    expect(await webhookMessages(f)).toEqual([]);
  });

  it('does not claim a message before it is due', async () => {
    const f = await setup();
    f.sms.queue(retryable());
    const m = await f.send('x');
    await f.worker.deliverDue({ wait: true });
    const { nextAttemptAt } = await f.row(m.id);
    expect(nextAttemptAt).toBeGreaterThan(T0);

    f.at(nextAttemptAt! - 1);
    expect(await f.worker.deliverDue({ wait: true })).toBe(0);
    f.at(nextAttemptAt!);
    expect(await f.worker.deliverDue({ wait: true })).toBe(1);
    expect(await f.row(m.id)).toMatchObject({ status: 'succeeded', attempts: 2 });
  });

  it('retries with full jitter under a doubling ceiling, capped by maxDelayMs', async () => {
    // The breaker would open after 5 failures in a row; this test is about the backoff alone.
    const f = await setup({ sms: { baseDelayMs: 1_000, maxDelayMs: 5_000, maxAttempts: 10, breakerThreshold: 100 }, random: 0.999 });
    const m = await f.send('x');
    const ceilings = [1_000, 2_000, 4_000, 5_000, 5_000];
    for (const [i, ceiling] of ceilings.entries()) {
      f.sms.queue(retryable(`HTTP 503 (${i + 1})`));
      const failedAt = f.now();
      expect(await f.worker.deliverDue({ wait: true })).toBe(1);
      const row = await f.row(m.id);
      expect(row).toMatchObject({ status: 'queued', attempts: i + 1, lastError: `HTTP 503 (${i + 1})`, leaseOwner: null });
      expect(row.nextAttemptAt).toBeLessThanOrEqual(failedAt + ceiling);
      // With the highest draw the wait is close to the ceiling, so the ceiling did grow (or stay at the cap).
      expect(row.nextAttemptAt).toBeGreaterThan(failedAt + ceiling * 0.99);
      f.at(row.nextAttemptAt!);
    }

    // The lowest draw retries at once: the lower bound of every window is "now".
    f.jitter(0);
    f.sms.queue(retryable('HTTP 503 (last)'));
    const failedAt = f.now();
    await f.worker.deliverDue({ wait: true });
    expect(await f.row(m.id)).toMatchObject({ status: 'queued', attempts: 6, nextAttemptAt: failedAt });

    const attempts = await f.db.store.listAttempts(m.id);
    expect(attempts.map((a) => [a.number, a.outcome, a.providerCode])).toEqual(
      [1, 2, 3, 4, 5, 6].map((n) => [n, 'retry', 'UNAVAILABLE']),
    );
    expect(attempts.map((a) => a.error)).toEqual([...ceilings.map((_, i) => `HTTP 503 (${i + 1})`), 'HTTP 503 (last)']);
  });

  it('waits at least as long as the provider asked (Retry-After)', async () => {
    const f = await setup({ sms: { baseDelayMs: 1_000, maxDelayMs: 5_000 }, random: 0.999 });
    f.sms.queue(retryable('HTTP 429', 120_000), retryable('HTTP 429', 10));
    const m = await f.send('x');

    await f.worker.deliverDue({ wait: true });
    expect(await f.row(m.id)).toMatchObject({ status: 'queued', attempts: 1, nextAttemptAt: T0 + 120_000 });
    f.at(T0 + 119_999);
    expect(await f.worker.deliverDue({ wait: true })).toBe(0);

    // A Retry-After shorter than the backoff does not shorten it.
    f.at(T0 + 120_000);
    await f.worker.deliverDue({ wait: true });
    const { nextAttemptAt } = await f.row(m.id);
    expect(nextAttemptAt).toBeGreaterThan(T0 + 120_000 + 1_000);
    expect(nextAttemptAt).toBeLessThanOrEqual(T0 + 120_000 + 2_000);
  });

  it('puts a message dead after maxAttempts, keeps the last error and queues message.dead with it', async () => {
    const f = await setup({ sms: { maxAttempts: 3, baseDelayMs: 1_000 } });
    f.sms.queue(retryable('HTTP 502'), retryable('HTTP 503'), retryable('socket hang up'));
    const m = await f.send('x', { reference: 'H22.99-261121-0001' });

    for (let i = 0; i < 3; i++) {
      // The third pass may also claim the message.dead event it produced: completions commit before claims.
      expect(await f.worker.deliverDue({ wait: true })).toBeGreaterThanOrEqual(1);
      f.advance(1_000);
    }

    const dead = await f.row(m.id);
    expect(dead).toMatchObject({ status: 'dead', attempts: 3, lastError: 'socket hang up', nextAttemptAt: null, leaseOwner: null, cancelledAt: null });
    expect((await f.db.store.listAttempts(m.id)).map((a) => [a.number, a.outcome, a.error])).toEqual([
      [1, 'retry', 'HTTP 502'], [2, 'retry', 'HTTP 503'], [3, 'dead', 'socket hang up'],
    ]);

    const [event, ...others] = await webhookMessages(f);
    expect(others).toEqual([]);
    expect(event).toMatchObject({
      capability: 'webhook', operation: 'deliver', plugin: 'webhook', agency: AGENCY,
      // Queued by the same write that closed the message: it carries that write's time.
      createdAt: dead.updatedAt,
      payload: {
        agency: AGENCY,
        event: {
          type: 'message.dead',
          data: { messageId: m.id, capability: 'sms', operation: 'send', instance: SMS, reference: 'H22.99-261121-0001', lastError: 'socket hang up' },
        },
      },
    });

    // The subscription gets it through the outbox like any other message.
    await f.worker.deliverDue({ wait: true });
    expect(f.webhook.labels()).toEqual(['message.dead']);
    expect(await f.row(event!.id)).toMatchObject({ status: 'succeeded', attempts: 1 });
    f.advance(3_600_000);
    expect(await f.worker.deliverDue({ wait: true })).toBe(0);
    expect(f.sms.calls).toHaveLength(3);
  });

  it('does not queue message.dead for a dead webhook message', async () => {
    const f = await setup({ sms: { maxAttempts: 1 } });
    f.sms.queue(retryable('HTTP 500'));
    f.webhook.queue(permanent('HTTP 410 Gone'));
    const m = await f.send('x');
    await f.worker.deliverDue({ wait: true });
    expect(await f.row(m.id)).toMatchObject({ status: 'dead', attempts: 1 });
    const [event] = await webhookMessages(f);

    await f.worker.deliverDue({ wait: true });

    expect(await f.row(event!.id)).toMatchObject({ status: 'dead', attempts: 1, lastError: 'HTTP 410 Gone' });
    expect((await webhookMessages(f)).map((w) => w.id)).toEqual([event!.id]);
    expect((await f.db.store.listMessages({}, { limit: 50 })).messages).toHaveLength(2);
    expect(await f.worker.deliverDue({ wait: true })).toBe(0);
  });

  it('queues no event for a subscription that does not want it', async () => {
    const f = await setup({ sms: { maxAttempts: 1 }, events: ['payment.succeeded'] });
    f.sms.queue(permanent());
    const m = await f.send('x');
    await f.worker.deliverDue({ wait: true });
    expect(await f.row(m.id)).toMatchObject({ status: 'dead' });
    expect(await webhookMessages(f)).toEqual([]);
  });

  it('puts a message dead at once on a PermanentError', async () => {
    const f = await setup();
    f.sms.queue(permanent('number is on the do-not-contact list'));
    const m = await f.send('x');

    await f.worker.deliverDue({ wait: true });

    expect(await f.row(m.id)).toMatchObject({ status: 'dead', attempts: 1, maxAttempts: 8, lastError: 'number is on the do-not-contact list', nextAttemptAt: null });
    expect(await f.db.store.listAttempts(m.id)).toMatchObject([{ number: 1, outcome: 'dead', error: 'number is on the do-not-contact list', providerCode: 'REFUSED', startedAt: T0, finishedAt: T0 }]);
    const [event] = await webhookMessages(f);
    f.advance(3_600_000);
    await f.worker.deliverDue({ wait: true });
    expect(await f.row(event!.id)).toMatchObject({ status: 'succeeded', attempts: 1 });
    expect(f.webhook.labels()).toEqual(['message.dead']);
    expect(f.sms.calls).toHaveLength(1);
  });

  it('puts a message dead once it is older than maxAgeMs, without trying it', async () => {
    const f = await setup({ sms: { maxAgeMs: 60_000, baseDelayMs: 1_000 } });
    f.sms.queue(retryable('HTTP 503'));
    const m = await f.send('x');
    await f.worker.deliverDue({ wait: true });
    expect(await f.row(m.id)).toMatchObject({ status: 'queued', attempts: 1, expiresAt: T0 + 60_000 });

    f.at(T0 + 60_000);
    await f.worker.deliverDue({ wait: true });

    expect(await f.row(m.id)).toMatchObject({ status: 'dead', lastError: 'max age reached', nextAttemptAt: null });
    expect((await f.db.store.listAttempts(m.id)).map((a) => [a.number, a.outcome, a.error])).toEqual([
      [1, 'retry', 'HTTP 503'], [2, 'skipped', 'max age reached'],
    ]);
    expect(f.sms.calls).toHaveLength(1);
    expect((await webhookMessages(f)).map((w) => w.payload)).toMatchObject([{ event: { type: 'message.dead', data: { messageId: m.id, lastError: 'max age reached' } } }]);
  });

  it('puts a message dead when the next try would come after its max age', async () => {
    const f = await setup({ sms: { maxAgeMs: 60_000 } });
    f.sms.queue(retryable('HTTP 429', 120_000));
    const m = await f.send('x');

    await f.worker.deliverDue({ wait: true });

    expect(await f.row(m.id)).toMatchObject({ status: 'dead', attempts: 1, lastError: 'HTTP 429', nextAttemptAt: null });
    expect(await f.db.store.listAttempts(m.id)).toMatchObject([{ number: 1, outcome: 'dead', error: 'HTTP 429' }]);
  });

  it('times an attempt out and retries it', async () => {
    const f = await setup({ sms: { timeoutMs: 50, baseDelayMs: 1_000 } });
    f.sms.queue(hang);
    const m = await f.send('x');

    await f.worker.deliverDue({ wait: true });

    const row = await f.row(m.id);
    expect(row).toMatchObject({ status: 'queued', attempts: 1, leaseOwner: null });
    expect(row.lastError).toMatch(/timed out after 50 ms/);
    expect(row.nextAttemptAt).toBeGreaterThanOrEqual(T0);
    expect(row.nextAttemptAt).toBeLessThanOrEqual(T0 + 1_000);
    expect(await f.db.store.listAttempts(m.id)).toMatchObject([{ number: 1, outcome: 'retry', providerCode: 'TIMEOUT' }]);
  });

  it('counts anything thrown that is not a PermanentError as retryable', async () => {
    const f = await setup({ sms: { baseDelayMs: 1_000 } });
    const m = await f.send('x');
    f.sms.queue(crash(new TypeError('cannot read properties of undefined')), crash({ code: 'E42' }));
    await f.worker.deliverDue({ wait: true });
    expect(await f.row(m.id)).toMatchObject({ status: 'queued', attempts: 1, lastError: 'cannot read properties of undefined' });
    f.advance(1_000);
    await f.worker.deliverDue({ wait: true });
    expect(await f.row(m.id)).toMatchObject({ status: 'queued', attempts: 2, lastError: '{"code":"E42"}' });
  });

  it('runs on its own when started, and stops', async () => {
    const f = await setup();
    const worker = f.newWorker();
    worker.start();
    const m = await f.send('x');
    worker.notify();
    await vi.waitFor(async () => expect((await f.row(m.id)).status).toBe('succeeded'), { timeout: 10_000 });
    await worker.stop(1_000);
    expect(await f.row(m.id)).toMatchObject({ attempts: 1 });
  });
});
