import { describe, expect, it } from 'vitest';
import { ids, T0, forEachStore } from './store-fixture.test-helper.ts';

forEachStore((ctx) => {
  describe('claimDue and completeAttempt', () => {
    it('claims only due messages of the instance, up to the limit, oldest first, counting the attempt', async () => {
      const due = [ctx.message(), ctx.message(), ctx.message()];
      const later = ctx.message({ createdAt: T0 + 60_000 });
      const elsewhere = ctx.message({ instance: 'sms-other' });
      await ctx.accepted(...due, later, elsewhere);

      const claimed = await ctx.store.claimDue({ instance: 'sms-hue', limit: 2, now: T0 + 10, leaseOwner: 'w1', leaseUntil: T0 + 30_000 });
      expect(ids(claimed)).toEqual([due[0]?.id, due[1]?.id]);
      expect(claimed.every((m) => m.status === 'processing' && m.attempts === 1 && m.leaseOwner === 'w1' && m.leaseUntil === T0 + 30_000)).toBe(true);
      const rest = await ctx.store.claimDue({ instance: 'sms-hue', limit: 10, now: T0 + 10, leaseOwner: 'w2', leaseUntil: T0 + 30_000 });
      expect(ids(rest)).toEqual([due[2]?.id]);
      expect(await ctx.store.claimDue({ instance: 'sms-hue', limit: 10, now: T0 + 10, leaseOwner: 'w2', leaseUntil: T0 + 30_000 })).toEqual([]);
    });

    it('refuses an outcome from a worker that lost the lease, and queues nothing for it', async () => {
      const m = ctx.message();
      await ctx.accepted(m);
      await ctx.store.claimDue({ instance: 'sms-hue', limit: 1, now: T0 + 10, leaseOwner: 'w1', leaseUntil: T0 + 100 });
      const stolen = await ctx.store.claimDue({ instance: 'sms-hue', limit: 1, now: T0 + 101, leaseOwner: 'w2', leaseUntil: T0 + 60_000 });
      expect(stolen).toMatchObject([{ id: m.id, attempts: 2, leaseOwner: 'w2' }]);

      const event = ctx.message({ instance: 'webhook-ops', capability: 'webhook', operation: 'deliver', plugin: 'webhook' });
      const late = await ctx.store.completeAttempt({
        messageId: m.id, leaseOwner: 'w1', outcome: 'dead', now: T0 + 200, error: 'late', enqueue: [event], attempt: { number: 1, startedAt: T0 + 10 },
      });
      expect(late).toBe(false);
      expect(await ctx.store.getMessage(m.id)).toMatchObject({ status: 'processing', leaseOwner: 'w2', attempts: 2, lastError: null });
      expect(await ctx.store.getMessage(event.id)).toBeUndefined();
    });

    it('gives an interrupted attempt back when leases are released', async () => {
      const [a, b] = [ctx.message(), ctx.message()];
      await ctx.accepted(a, b);
      await ctx.store.claimDue({ instance: 'sms-hue', limit: 2, now: T0 + 10, leaseOwner: 'w1', leaseUntil: T0 + 60_000 });

      expect(await ctx.store.releaseLeases('w1', T0 + 500)).toBe(2);
      for (const id of [a.id, b.id]) {
        expect(await ctx.store.getMessage(id)).toMatchObject({ status: 'queued', attempts: 0, nextAttemptAt: T0 + 500, leaseOwner: null, leaseUntil: null });
      }
      expect(await ctx.store.releaseLeases('w1', T0 + 600)).toBe(0);
    });

    it('releases only the messages named, and only while they are still its own', async () => {
      const [a, b, c] = [ctx.message(), ctx.message(), ctx.message()];
      await ctx.accepted(a, b, c);
      await ctx.store.claimDue({ instance: 'sms-hue', limit: 2, now: T0 + 10, leaseOwner: 'w1', leaseUntil: T0 + 100 });
      // c is another worker's, taken after w1's lease on it would have run out.
      await ctx.store.claimDue({ instance: 'sms-hue', limit: 1, now: T0 + 20, leaseOwner: 'w2', leaseUntil: T0 + 60_000 });

      expect(await ctx.store.releaseLeases('w1', T0 + 500, [a.id, c.id])).toBe(1);
      expect(await ctx.store.getMessage(a.id)).toMatchObject({ status: 'queued', attempts: 0, nextAttemptAt: T0 + 500, leaseOwner: null });
      expect(await ctx.store.getMessage(b.id)).toMatchObject({ status: 'processing', attempts: 1, leaseOwner: 'w1' });
      expect(await ctx.store.getMessage(c.id)).toMatchObject({ status: 'processing', attempts: 1, leaseOwner: 'w2' });
      expect(await ctx.store.releaseLeases('w1', T0 + 600, [])).toBe(0);
    });
  });

  describe('replay and cancel', () => {
    async function deadAndAlive() {
      const deadHue = [ctx.message(), ctx.message()];
      const deadOther = ctx.message({ instance: 'sms-other', agency: '000.00.02.H22' });
      const queued = ctx.message();
      const done = ctx.message();
      await ctx.accepted(...deadHue, deadOther, queued, done);
      for (const m of [...deadHue, deadOther]) await ctx.settle(m.id, 'dead', T0 + 1_000, `refused ${m.id}`);
      await ctx.settle(done.id, 'succeeded', T0 + 1_000);
      return { deadHue, deadOther, queued, done };
    }

    it('plans a replay: dead messages counted by instance', async () => {
      await deadAndAlive();
      expect(await ctx.store.planReplay({})).toEqual({ total: 3, byInstance: { 'sms-hue': 2, 'sms-other': 1 } });
      expect(await ctx.store.planReplay({ agency: '000.00.02.H22' })).toEqual({ total: 1, byInstance: { 'sms-other': 1 } });
      // The plan is for dead messages whatever status the filter names.
      expect(await ctx.store.planReplay({ status: 'queued' })).toEqual({ total: 3, byInstance: { 'sms-hue': 2, 'sms-other': 1 } });
      expect(await ctx.store.planReplay({ capability: 'payment' })).toEqual({ total: 0, byInstance: {} });
    });

    it('replays by ids: dead ones only, with a fresh budget', async () => {
      const { deadHue, queued, done } = await deadAndAlive();
      const target = deadHue[0]!;
      const replayed = await ctx.store.replay({ ids: [target.id, queued.id, done.id, 'msg_missing'] }, T0 + 5_000, () => 3_600_000, 'test');

      expect(replayed).toEqual([target.id]);
      expect(await ctx.store.getMessage(target.id)).toMatchObject({
        status: 'queued', attempts: 0, replays: 1, nextAttemptAt: T0 + 5_000, expiresAt: T0 + 5_000 + 3_600_000,
        lastError: `refused ${target.id}`, cancelledAt: null, updatedAt: T0 + 5_000,
      });
      expect(await ctx.store.getMessage(queued.id)).toMatchObject({ status: 'queued', attempts: 0, replays: 0 });
      expect(await ctx.store.getMessage(done.id)).toMatchObject({ status: 'succeeded', attempts: 1, replays: 0 });
      expect(await ctx.store.getMessage(deadHue[1]!.id)).toMatchObject({ status: 'dead', replays: 0 });

      // The next attempt starts a new round: the first round's attempts stay as they were.
      const claimed = await ctx.store.claimDue({ instance: 'sms-hue', limit: 10, now: T0 + 5_000, leaseOwner: 'w', leaseUntil: T0 + 9_000 });
      expect(ids(claimed).sort()).toEqual([target.id, queued.id].sort());
      expect(claimed.find((m) => m.id === target.id)).toMatchObject({ attempts: 1, replays: 1 });
      await ctx.store.completeAttempt({ messageId: target.id, leaseOwner: 'w', outcome: 'succeeded', now: T0 + 5_100, result: { ok: 1 }, attempt: { number: 1, startedAt: T0 + 5_000 } });
      expect((await ctx.store.listAttempts(target.id)).map((a) => [a.round, a.number, a.outcome])).toEqual([[0, 1, 'dead'], [1, 1, 'succeeded']]);
    });

    it('replays by filter, leaving other messages alone', async () => {
      const { deadHue, deadOther, queued, done } = await deadAndAlive();
      const maxAge: string[] = [];
      const replayed = await ctx.store.replay({ filter: { instance: 'sms-hue' } }, T0 + 5_000, (instance) => (maxAge.push(instance), 1_000), 'test');

      expect(replayed).toEqual(deadHue.map((m) => m.id));
      expect(maxAge).toEqual(['sms-hue', 'sms-hue']);
      for (const m of deadHue) expect(await ctx.store.getMessage(m.id)).toMatchObject({ status: 'queued', attempts: 0, replays: 1 });
      expect(await ctx.store.getMessage(deadOther.id)).toMatchObject({ status: 'dead', attempts: 1, replays: 0 });
      expect(await ctx.store.getMessage(queued.id)).toMatchObject({ status: 'queued', replays: 0 });
      expect(await ctx.store.getMessage(done.id)).toMatchObject({ status: 'succeeded', replays: 0 });
      expect(await ctx.store.replay({ filter: { q: 'nothing like it' } }, T0 + 6_000, () => 1_000, 'test')).toEqual([]);
    });

    it('cancels queued and dead messages, not one in flight', async () => {
      const { deadHue, queued } = await deadAndAlive();
      const inFlight = ctx.message();
      await ctx.accepted(inFlight);
      // Claim `inFlight` alone: the `queued` message is older and would go first, so cancel it beforehand.
      const cancelledQueued = await ctx.store.cancel(queued.id, T0 + 2_000, 'cancelled by operator', 'test');
      expect(cancelledQueued).toMatchObject({ id: queued.id, status: 'dead', cancelledAt: T0 + 2_000, lastError: 'cancelled by operator', nextAttemptAt: null });
      const cancelledDead = await ctx.store.cancel(deadHue[0]!.id, T0 + 2_100, 'not needed', 'test');
      expect(cancelledDead).toMatchObject({ status: 'dead', cancelledAt: T0 + 2_100, lastError: 'not needed' });

      expect(await ctx.store.claimDue({ instance: 'sms-hue', limit: 5, now: T0 + 2_200, leaseOwner: 'w', leaseUntil: T0 + 9_000 })).toMatchObject([{ id: inFlight.id }]);
      expect(await ctx.store.cancel(inFlight.id, T0 + 2_300, 'too late', 'test')).toBeUndefined();
      expect(await ctx.store.getMessage(inFlight.id)).toMatchObject({ status: 'processing', cancelledAt: null, lastError: null });
      expect(await ctx.store.cancel(queued.id, T0 + 2_400, 'again', 'test')).toBeUndefined();
      expect(await ctx.store.getMessage(queued.id)).toMatchObject({ cancelledAt: T0 + 2_000, lastError: 'cancelled by operator' });
      expect(await ctx.store.cancel('msg_missing', T0, 'x', 'test')).toBeUndefined();
    });
  });

  describe('queueStats', () => {
    it('counts by instance and status, with the oldest waiting message', async () => {
      const [old, young, dead] = [ctx.message({ createdAt: T0 + 1 }), ctx.message({ createdAt: T0 + 5 }), ctx.message({ createdAt: T0 })];
      await ctx.accepted(dead, old, young);
      await ctx.settle(dead.id, 'dead', T0 + 100, 'refused');
      expect(await ctx.store.queueStats()).toEqual([
        { instance: 'sms-hue', queued: 2, processing: 0, dead: 1, succeeded: 0, oldestWaitingAt: T0 + 1 },
      ]);
    });
  });
});
