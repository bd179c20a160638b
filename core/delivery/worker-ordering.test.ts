import { afterEach, describe, expect, it } from 'vitest';
import { permanent, retryable } from './scripted-plugin.test-helper.ts';
import { createFixture, type Fixture, SMS } from './worker-fixture.test-helper.ts';

let fixture: Fixture | undefined;
afterEach(async () => {
  await fixture?.dispose();
  fixture = undefined;
});

/** A1 and A2 share ordering key A, B1 has key B; stored in that order. */
async function orderedMessages() {
  // No message.dead events here: only the SMS instance's claims are counted.
  fixture = await createFixture({ sms: { baseDelayMs: 1_000, maxAttempts: 3 }, events: ['payment.succeeded'] });
  const f = fixture;
  const a1 = await f.send('A1', { orderingKey: 'dossier-A' });
  const a2 = await f.send('A2', { orderingKey: 'dossier-A' });
  const b1 = await f.send('B1', { orderingKey: 'dossier-B' });
  return { f, a1, a2, b1 };
}

describe('DeliveryWorker: ordering keys', () => {
  it('holds later messages of a key back while an earlier one fails, is dead, until it is cancelled', async () => {
    const { f, a1, a2, b1 } = await orderedMessages();
    f.sms.queueFor('A1', retryable('HTTP 503'), permanent('dossier unknown to the portal'));

    // A1 fails: A2 waits; B1, another key, goes on.
    expect(await f.worker.deliverDue({ wait: true })).toBe(2);
    expect(f.sms.labels()).toEqual(['A1', 'B1']);
    expect(await f.row(a1.id)).toMatchObject({ status: 'queued', attempts: 1, lastError: 'HTTP 503' });
    expect(await f.row(a2.id)).toMatchObject({ status: 'queued', attempts: 0 });
    expect(await f.row(b1.id)).toMatchObject({ status: 'succeeded', attempts: 1 });

    // A1 dead: A2 still waits, however long.
    f.advance(1_000);
    expect(await f.worker.deliverDue({ wait: true })).toBe(1);
    expect(await f.row(a1.id)).toMatchObject({ status: 'dead', attempts: 2, lastError: 'dossier unknown to the portal' });
    f.advance(86_000_000);
    expect(await f.worker.deliverDue({ wait: true })).toBe(0);
    expect(await f.row(a2.id)).toMatchObject({ status: 'queued', attempts: 0 });
    expect(await f.db.store.listAttempts(a2.id)).toEqual([]);

    // An operator cancels A1: the key is free and A2 goes.
    expect(await f.db.store.cancel(a1.id, f.now(), 'cancelled by operator', 'test')).toMatchObject({ status: 'dead', cancelledAt: f.now() });
    expect(await f.worker.deliverDue({ wait: true })).toBe(1);
    expect(await f.row(a2.id)).toMatchObject({ status: 'succeeded', attempts: 1 });
    expect(f.sms.labels()).toEqual(['A1', 'B1', 'A1', 'A2']);
  });

  it('puts a replayed message before the later ones of its key again', async () => {
    const { f, a1, a2 } = await orderedMessages();
    f.sms.queueFor('A1', permanent('refused'));
    await f.worker.deliverDue({ wait: true });
    expect(await f.row(a1.id)).toMatchObject({ status: 'dead', attempts: 1 });

    expect(await f.db.store.replay({ ids: [a1.id] }, f.now(), () => 86_400_000, 'test')).toEqual([a1.id]);
    expect(await f.row(a1.id)).toMatchObject({ status: 'queued', attempts: 0, replays: 1 });

    expect(await f.worker.deliverDue({ wait: true })).toBe(1);
    expect(await f.row(a1.id)).toMatchObject({ status: 'succeeded', attempts: 1, replays: 1 });
    expect(await f.row(a2.id)).toMatchObject({ status: 'queued', attempts: 0 });
    expect(await f.worker.deliverDue({ wait: true })).toBe(1);
    expect(await f.row(a2.id)).toMatchObject({ status: 'succeeded', attempts: 1 });
    expect(f.sms.labels()).toEqual(['A1', 'B1', 'A1', 'A2']);
    expect((await f.db.store.listAttempts(a1.id)).map((a) => [a.round, a.number, a.outcome])).toEqual([[0, 1, 'dead'], [1, 1, 'succeeded']]);
  });

  it('attempts one message of a key at a time, in order, when all are due', async () => {
    fixture = await createFixture();
    const f = fixture;
    const sent = [];
    for (const label of ['P1', 'P2', 'P3']) sent.push(await f.send(label, { orderingKey: 'H22.99-261121-0001' }));
    for (let i = 0; i < 3; i++) expect(await f.worker.deliverDue({ wait: true })).toBe(1);
    expect(f.sms.labels()).toEqual(['P1', 'P2', 'P3']);
    expect(await f.worker.deliverDue({ wait: true })).toBe(0);
  });

  it('keeps keys of different instances apart', async () => {
    fixture = await createFixture();
    const f = fixture;
    f.sms.queue(permanent());
    const dead = await f.send('S1', { orderingKey: 'shared' });
    const otherInstance = { ...dead, id: 'msg_other', instance: 'elsewhere' };
    await f.db.store.accept(otherInstance);
    await f.worker.deliverDue({ wait: true });
    expect(await f.row(dead.id)).toMatchObject({ status: 'dead', instance: SMS });
    const claimed = await f.db.store.claimDue({ instance: 'elsewhere', limit: 5, now: f.now(), leaseOwner: 'other', leaseUntil: f.now() + 1_000 });
    expect(claimed.map((m) => m.id)).toEqual(['msg_other']);
  });
  it('lets a lower rank of a key go first, even when it came in later: progress waits for its dossier', async () => {
    fixture = await createFixture({ sms: { baseDelayMs: 1_000, maxAttempts: 5 } });
    const f = fixture;
    const key = { orderingKey: 'H22.99-261121-0002' };
    const progress1 = await f.send('progress-1', { ...key, orderingRank: 1 });
    const progress2 = await f.send('progress-2', { ...key, orderingRank: 1 });
    // The portal does not know the dossier yet: the first progress entry fails and waits.
    f.sms.queueFor('progress-1', retryable('dossier unknown to the portal'));
    expect(await f.worker.deliverDue({ wait: true })).toBe(1);
    expect(await f.row(progress1.id)).toMatchObject({ status: 'queued', attempts: 1 });

    // The add arrives after its progress, and goes first; the progress waits while the add is not through.
    const add = await f.send('add', { ...key, orderingRank: 0 });
    f.sms.queueFor('add', retryable('HTTP 503'));
    f.advance(1_000);
    expect(await f.worker.deliverDue({ wait: true })).toBe(1);
    expect(f.sms.labels()).toEqual(['progress-1', 'add']);
    f.advance(2_000);
    expect(await f.worker.deliverDue({ wait: true })).toBe(1);
    expect(await f.row(add.id)).toMatchObject({ status: 'succeeded' });

    // Then the progress, in the order it happened.
    f.advance(2_000);
    await f.worker.deliverDue({ wait: true });
    await f.worker.deliverDue({ wait: true });
    expect(f.sms.labels()).toEqual(['progress-1', 'add', 'add', 'progress-1', 'progress-2']);
    expect(await f.row(progress2.id)).toMatchObject({ status: 'succeeded' });
  });

  it('never attempts two messages of one key at once, whatever their ranks', async () => {
    fixture = await createFixture();
    const f = fixture;
    const key = { orderingKey: 'H22.99-261121-0003' };
    await f.send('progress-1', { ...key, orderingRank: 1 });
    const leased = await f.db.store.claimDue({ instance: SMS, limit: 5, now: f.now(), leaseOwner: 'other-worker', leaseUntil: f.now() + 60_000 });
    expect(leased.map((message) => message.orderingRank)).toEqual([1]);
    // An add comes in while the progress is being attempted elsewhere: it waits for that attempt.
    await f.send('add', { ...key, orderingRank: 0 });
    expect(await f.db.store.claimDue({ instance: SMS, limit: 5, now: f.now(), leaseOwner: 'this-worker', leaseUntil: f.now() + 60_000 })).toEqual([]);
  });
});
