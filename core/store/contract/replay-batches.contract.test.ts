import { describe, expect, it } from 'vitest';
import { DAY, T0, forEachStore } from './store-fixture.test-helper.ts';

const maxAge = () => DAY;

forEachStore((ctx) => {

  describe('replay by filter, a batch at a time', () => {
    it('takes the first dead messages after a sequence number, in order, and each once even if it dies again meanwhile', async () => {
      const messages = Array.from({ length: 5 }, () => ctx.message());
      await ctx.accepted(...messages);
      for (const m of messages) await ctx.settle(m.id, 'dead', T0 + 10, 'provider refused');
      const sequenceOf = async (id: string) => (await ctx.store.getMessage(id))!.sequence;
      const filter = { status: 'dead' as const, instance: 'sms-hue' };

      const first = await ctx.store.replay({ filter, batch: { afterSequence: 0, limit: 2 } }, T0 + 20, maxAge, 'cli');
      expect(first).toEqual([messages[0]!.id, messages[1]!.id]);
      // The first one fails for good again before the next batch: the cursor has moved past it.
      await ctx.settle(messages[0]!.id, 'dead', T0 + 30, 'provider refused again');
      const second = await ctx.store.replay({ filter, batch: { afterSequence: await sequenceOf(first[1]!), limit: 2 } }, T0 + 40, maxAge, 'cli');
      expect(second).toEqual([messages[2]!.id, messages[3]!.id]);
      const third = await ctx.store.replay({ filter, batch: { afterSequence: await sequenceOf(second[1]!), limit: 2 } }, T0 + 50, maxAge, 'cli');
      expect(third).toEqual([messages[4]!.id]);
      expect(await ctx.store.getMessage(messages[0]!.id)).toMatchObject({ status: 'dead', replays: 1 });
      expect(await ctx.store.listAudit({}, 1000).then((entries) => entries.filter((entry) => entry.action === 'message.replayed').length)).toBe(5);
    });
  });
});
