import { describe, expect, it } from 'vitest';
import { block, Gate, hang, retryable } from './scripted-plugin.test-helper.ts';
import { useFixtures, SMS, T0, WEBHOOK } from './worker-fixture.test-helper.ts';

const setup = useFixtures();

describe('DeliveryWorker: after a crash', () => {
  it('claims again a message whose lease expired, counting the lost attempt', async () => {
    const f = await setup();
    const m = await f.send('x');
    const [crashed] = await f.db.store.claimDue({ instance: SMS, limit: 1, now: T0, leaseOwner: 'worker-crashed', leaseUntil: T0 + 30_000 });
    expect(crashed).toMatchObject({ id: m.id, attempts: 1, status: 'processing' });

    f.at(T0 + 30_000);
    expect(await f.worker.deliverDue({ wait: true })).toBe(0);
    expect(await f.row(m.id)).toMatchObject({ status: 'processing', leaseOwner: 'worker-crashed', attempts: 1 });

    f.at(T0 + 30_001);
    expect(await f.worker.deliverDue({ wait: true })).toBe(1);
    expect(await f.row(m.id)).toMatchObject({ status: 'succeeded', attempts: 2, leaseOwner: null, leaseUntil: null });
    expect(f.sms.calls).toMatchObject([{ messageId: m.id, attempt: 2 }]);
    // The crashed attempt left no outcome to record.
    expect(await f.db.store.listAttempts(m.id)).toMatchObject([{ number: 2, outcome: 'succeeded', startedAt: T0 + 30_001 }]);
  });

  it('does not record a late outcome once another worker took the message over', async () => {
    const f = await setup();
    const m = await f.send('x');
    const held = new Gate();
    f.sms.queue(block(held, retryable('late failure')));
    const slow = f.worker.deliverDue({ wait: true });
    await held.reached;

    // The slow worker's lease (timeout + margin) runs out; another worker claims and delivers the message.
    f.at(T0 + 60_000);
    expect(await f.newWorker().deliverDue({ wait: true })).toBe(1);
    held.release();
    await slow;

    expect(await f.row(m.id)).toMatchObject({ status: 'succeeded', attempts: 2, lastError: null, nextAttemptAt: null });
    expect(await f.db.store.listAttempts(m.id)).toContainEqual(expect.objectContaining({ number: 2, outcome: 'succeeded' }));
  });

  it('puts a message dead, without trying it, when its last attempt was interrupted', async () => {
    const f = await setup({ sms: { maxAttempts: 2, baseDelayMs: 1_000 } });
    f.sms.queue(retryable('HTTP 503'));
    const m = await f.send('x');
    await f.worker.deliverDue({ wait: true });
    expect(await f.row(m.id)).toMatchObject({ status: 'queued', attempts: 1 });

    // Attempt 2, the last one, is claimed by a worker that dies with it.
    f.at(T0 + 1_000);
    await f.db.store.claimDue({ instance: SMS, limit: 1, now: f.now(), leaseOwner: 'worker-crashed', leaseUntil: f.now() + 5_000 });
    f.at(T0 + 6_001);
    await f.worker.deliverDue({ wait: true });

    expect(await f.row(m.id)).toMatchObject({ status: 'dead', attempts: 3, maxAttempts: 2, lastError: 'attempt budget spent: the last attempt was interrupted', nextAttemptAt: null });
    expect((await f.db.store.listAttempts(m.id)).map((a) => [a.number, a.outcome])).toEqual([[1, 'retry'], [3, 'skipped']]);
    expect(f.sms.calls).toHaveLength(1);
    const events = (await f.db.store.listMessages({ instance: WEBHOOK }, { limit: 5 })).messages;
    expect(events.map((e) => e.payload)).toMatchObject([{ event: { type: 'message.dead', data: { messageId: m.id } } }]);
  });
});

describe('DeliveryWorker: graceful stop', () => {
  it('records an attempt that finishes within the grace period', async () => {
    const f = await setup();
    const m = await f.send('x');
    const held = new Gate();
    f.sms.queue(block(held));
    expect(await f.worker.deliverDue()).toBe(1);
    await held.reached;

    const stopping = f.worker.stop(30_000);
    held.release();
    await stopping;

    expect(await f.row(m.id)).toMatchObject({ status: 'succeeded', attempts: 1, leaseOwner: null });
    expect(await f.db.store.listAttempts(m.id)).toMatchObject([{ number: 1, outcome: 'succeeded' }]);
  });

  it('does not spend the last attempt of a message on a shutdown', async () => {
    const f = await setup({ sms: { maxAttempts: 1 } });
    const m = await f.send('x');
    f.sms.queue(hang);
    expect(await f.worker.deliverDue()).toBe(1);

    await f.worker.stop(20);

    expect(await f.row(m.id)).toMatchObject({ status: 'queued', attempts: 0, maxAttempts: 1 });
    expect((await f.db.store.listMessages({ instance: WEBHOOK }, { limit: 5 })).messages).toEqual([]);
  });

  it('aborts an attempt that outlasts the grace period and gives it back to the queue', async () => {
    const f = await setup({ sms: { baseDelayMs: 60_000 } });
    const m = await f.send('x');
    f.sms.queue(hang);
    expect(await f.worker.deliverDue()).toBe(1);
    f.advance(250);

    await f.worker.stop(20);

    expect(await f.row(m.id)).toMatchObject({ status: 'queued', attempts: 0, nextAttemptAt: T0 + 250, leaseOwner: null, leaseUntil: null, lastError: null });
    expect(await f.db.store.listAttempts(m.id)).toEqual([]);
    expect(f.instance(SMS).breaker.state(f.now())).toBe('closed');

    // The next worker delivers it as its first attempt, and that attempt is recorded.
    expect(await f.newWorker().deliverDue({ wait: true })).toBe(1);
    expect(await f.row(m.id)).toMatchObject({ status: 'succeeded', attempts: 1 });
    expect(await f.db.store.listAttempts(m.id)).toMatchObject([{ round: 0, number: 1, outcome: 'succeeded', startedAt: T0 + 250 }]);
  });

});
