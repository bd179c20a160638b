import { describe, expect, it } from 'vitest';
import type { MessageCount } from '../types.ts';
import { DAY, T0, forEachStore } from './store-fixture.test-helper.ts';

forEachStore((ctx) => {
  const HUE = '000.00.01.H22';
  const OTHER = '000.00.02.H22';
  const MINUTE = 60_000;

  /** What a full count of the messages says, beside what the store's counters say. */
  async function countedBoth() {
    const full = await ctx.sql<MessageCount>(
      'SELECT capability, agency, status, COUNT(*) AS count FROM messages GROUP BY capability, agency, status ORDER BY capability, agency, status',
    );
    const replayable = await ctx.sql<{ instance: string; count: number }>(
      "SELECT instance, COUNT(*) AS count FROM messages WHERE status = 'dead' AND cancelled_at IS NULL GROUP BY instance ORDER BY instance",
    );
    const overview = await ctx.store.overview(T0);
    const plan = await ctx.store.planReplay({});
    return {
      counters: { counts: overview.counts, replayable: plan.byInstance },
      full: { counts: full, replayable: Object.fromEntries(replayable.map((row) => [row.instance, row.count])) },
    };
  }

  async function expectExact(): Promise<void> {
    const { counters, full } = await countedBoth();
    expect(counters).toEqual(full);
  }

  describe('message counters', () => {
    it('stay exact through accept, attempts, release, dead, replay, cancel, events and purge', async () => {
      const sms = [ctx.message(), ctx.message(), ctx.message({ agency: OTHER }), ctx.message()];
      const portal = ctx.message({ capability: 'portal', operation: 'updateProgress', instance: 'portal-hue', plugin: 'national-portal' });
      await ctx.accepted(...sms, portal);
      await expectExact();

      // Claimed (processing), then one released, one retried, one dead, one succeeded with an event queued.
      const claimed = await ctx.store.claimDue({ instance: 'sms-hue', limit: 10, now: T0 + 10, leaseOwner: 'w', leaseUntil: T0 + MINUTE });
      expect(claimed).toHaveLength(4);
      await expectExact();
      const [a, b, c, d] = sms.map((message) => message.id) as [string, string, string, string];
      const event = ctx.message({ capability: 'webhook', operation: 'deliver', instance: 'onestop', plugin: 'webhook' });
      const complete = (messageId: string, outcome: 'succeeded' | 'retry' | 'dead', extra = {}) =>
        ctx.store.completeAttempt({ messageId, leaseOwner: 'w', outcome, now: T0 + 20, attempt: { number: 1, startedAt: T0 + 10 }, ...extra });
      expect(await complete(a, 'succeeded', { enqueue: [event] })).toBe(true);
      expect(await complete(b, 'retry', { nextAttemptAt: T0 + 1_000, error: 'busy' })).toBe(true);
      expect(await complete(c, 'dead', { error: 'refused' })).toBe(true);
      await expectExact();
      expect(await ctx.store.releaseLeases('w', T0 + 30)).toBe(1);
      await expectExact();

      // The same outcome twice changes nothing (the lease is gone).
      expect(await complete(c, 'dead', { error: 'refused again' })).toBe(false);
      await ctx.settle(d, 'dead', T0 + 2_000, 'refused');
      await expectExact();

      await ctx.store.replay({ ids: [c] }, T0 + 3_000, () => DAY, 'test');
      await expectExact();
      await ctx.settle(c, 'dead', T0 + 4_000, 'refused');
      expect(await ctx.store.cancel(c, T0 + 5_000, 'not to be sent', 'test')).toBeDefined();
      expect(await ctx.store.cancel(portal.id, T0 + 5_000, 'not to be sent', 'test')).toBeDefined();
      await expectExact();
      // Cancelled is not replayable by filter; by id it comes back.
      expect(await ctx.store.replay({ filter: {} }, T0 + 6_000, () => DAY, 'test')).toEqual([d]);
      await expectExact();
      expect(await ctx.store.replay({ ids: [c] }, T0 + 6_000, () => DAY, 'test')).toEqual([c]);
      await expectExact();

      // A payment's transition queues its event in the same transaction.
      await ctx.store.createRecord({ instance: 'pay-hue', key: 'PAY-1', status: 'pending', data: { agency: HUE, dossierCode: 'HS-1' }, now: T0, actor: 'test' });
      const paid = ctx.message({ capability: 'webhook', operation: 'deliver', instance: 'onestop', plugin: 'webhook' });
      await ctx.store.transitionRecord({
        instance: 'pay-hue', key: 'PAY-1', from: ['pending'], to: 'paid', now: T0 + 7_000, actor: 'test', enqueue: [{ message: paid, audit: { at: T0, actor: 'test', action: 'message.accepted', summary: {} } }],
      });
      await expectExact();

      await ctx.settle(event.id, 'succeeded', T0 + 8_000);
      expect(await ctx.store.purgePayloads(T0 + DAY, T0 + DAY, 'system')).toBeGreaterThan(0);
      await expectExact();

      const { counters } = await countedBoth();
      expect(counters.counts).toContainEqual({ capability: 'sms', agency: HUE, status: 'queued', count: 2 });
      expect(counters.counts).toContainEqual({ capability: 'sms', agency: OTHER, status: 'queued', count: 1 });
      expect(counters.counts).toContainEqual({ capability: 'portal', agency: HUE, status: 'dead', count: 1 });
    });

    it('per instance: queue depth, the oldest waiting message, and an agency-limited view', async () => {
      const old = ctx.message({ createdAt: T0 - 10 * MINUTE, agency: OTHER });
      const newer = ctx.message({ createdAt: T0 - MINUTE });
      const done = ctx.message({ createdAt: T0 - 20 * MINUTE });
      await ctx.accepted(old, newer, done);
      await ctx.settle(done.id, 'succeeded', T0);

      const all = await ctx.store.overview(T0);
      expect(all.instances).toEqual([
        { instance: 'sms-hue', capability: 'sms', queued: 2, processing: 0, dead: 0, succeeded: 1, oldestWaitingAt: old.createdAt, lastHour: { attempts: 1, failures: 0 } },
      ]);
      const hueOnly = await ctx.store.overview(T0, [HUE]);
      expect(hueOnly.instances).toEqual([
        // The attempt was for a message of HUE; OTHER's oldest message is not theirs to see.
        { instance: 'sms-hue', capability: 'sms', queued: 1, processing: 0, dead: 0, succeeded: 1, oldestWaitingAt: newer.createdAt, lastHour: { attempts: 1, failures: 0 } },
      ]);
      expect(hueOnly.counts.every((row) => row.agency === HUE)).toBe(true);
      expect(await ctx.store.queueStats()).toEqual([{ instance: 'sms-hue', queued: 2, processing: 0, dead: 0, succeeded: 1, oldestWaitingAt: old.createdAt }]);
      expect(await ctx.store.overview(T0, [])).toEqual({ counts: [], instances: [] });
    });

    it("counts the last hour's attempts and sync calls, and their failures, by the minute", async () => {
      const [a, b] = [ctx.message(), ctx.message()];
      await ctx.accepted(a, b);
      await ctx.settle(a.id, 'retry', T0 + MINUTE, 'busy');
      await ctx.settle(a.id, 'succeeded', T0 + 3 * MINUTE);
      await ctx.settle(b.id, 'dead', T0 + 3 * MINUTE, 'refused');
      // A sync call is recorded only by its audit entry.
      await ctx.store.appendAudit([
        { at: T0 + 2 * MINUTE, actor: 'key:k', action: 'request.sync', instance: 'pay-hue', summary: { agency: HUE, outcome: 'failed' } },
        { at: T0 + 2 * MINUTE, actor: 'key:k', action: 'request.sync', instance: 'pay-hue', summary: { agency: HUE, outcome: 'succeeded' } },
      ]);
      const lastHour = async (now: number) => Object.fromEntries((await ctx.store.overview(now)).instances.map((entry) => [entry.instance, entry.lastHour]));

      expect(await lastHour(T0 + 5 * MINUTE)).toEqual({ 'pay-hue': { attempts: 2, failures: 1 }, 'sms-hue': { attempts: 3, failures: 2 } });
      // An hour on, the first minute is out: the retry of a, then everything.
      expect(await lastHour(T0 + 61 * MINUTE)).toEqual({ 'pay-hue': { attempts: 2, failures: 1 }, 'sms-hue': { attempts: 2, failures: 1 } });
      expect((await lastHour(T0 + 64 * MINUTE))['sms-hue']).toEqual({ attempts: 0, failures: 0 });
      expect(await lastHour(T0 + 64 * MINUTE)).not.toHaveProperty('pay-hue');
    });
  });
});
