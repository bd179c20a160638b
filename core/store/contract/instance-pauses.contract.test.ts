import { describe, expect, it } from 'vitest';
import { DAY, T0, forEachStore } from './store-fixture.test-helper.ts';

forEachStore((ctx) => {
  const HOUR = 3_600_000;

  describe('pausing an instance in the store', () => {
    it('keeps who paused it, when and why, audits it in the same write, and answers the pause in place when paused again', async () => {
      const { store } = ctx;
      const first = await store.pauseInstance('sms-hue', { actor: 'key:key_3f2a9c', reason: 'Viettel bảo trì, gọi 0981234567', at: T0 });
      expect(first).toEqual({ created: true, pause: { instance: 'sms-hue', at: T0, by: 'key:key_3f2a9c', reason: 'Viettel bảo trì, gọi 0981234567' } });

      const again = await store.pauseInstance('sms-hue', { actor: 'cli', reason: 'another reason', at: T0 + 60_000 });
      expect(again).toEqual({ created: false, pause: first.pause });
      await store.pauseInstance('portal-hue', { actor: 'cli', at: T0 + 1 });
      expect(await store.pausedInstances()).toEqual([first.pause, { instance: 'portal-hue', at: T0 + 1, by: 'cli', reason: null }]);

      const entries = await store.listAudit({}, 10);
      expect(entries).toEqual([
        expect.objectContaining({ at: T0, actor: 'key:key_3f2a9c', action: 'instance.paused', instance: 'sms-hue', summary: { reason: expect.stringContaining('Viettel bảo trì') } }),
        expect.objectContaining({ at: T0 + 1, actor: 'cli', action: 'instance.paused', instance: 'portal-hue', summary: {} }),
      ]);
      // The reason is the operator's free text: a phone number in it is masked in the audit log.
      expect(JSON.stringify(entries)).not.toContain('0981234567');
      expect(await store.verifyAudit()).toMatchObject({ ok: true, checked: 2 });
    });

    it('resumes once, audited with the pause it ended; resuming what is not paused writes nothing', async () => {
      const { store } = ctx;
      await store.pauseInstance('sms-hue', { actor: 'cli', reason: 'bảo trì', at: T0 });
      const resumed = await store.resumeInstance('sms-hue', { actor: 'key:key_3f2a9c', at: T0 + HOUR });
      expect(resumed).toEqual({ pause: { instance: 'sms-hue', at: T0, by: 'cli', reason: 'bảo trì' }, at: T0 + HOUR, by: 'key:key_3f2a9c', extended: 0 });
      expect(await store.pausedInstances()).toEqual([]);
      expect(await store.resumeInstance('sms-hue', { actor: 'cli', at: T0 + 2 * HOUR })).toBeUndefined();
      expect(await store.resumeInstance('never-paused', { actor: 'cli', at: T0 + 2 * HOUR })).toBeUndefined();

      expect((await store.listAudit({}, 10)).map((entry) => [entry.action, entry.actor, entry.instance, entry.summary])).toEqual([
        ['instance.paused', 'cli', 'sms-hue', { reason: 'bảo trì' }],
        ['instance.resumed', 'key:key_3f2a9c', 'sms-hue', { pausedAt: T0, pausedBy: 'cli', pausedForMs: HOUR, maxAgeMovedOn: 0 }],
      ]);
    });

    it('survives closing and reopening the store', async () => {
      await ctx.store.pauseInstance('sms-hue', { actor: 'cli', reason: 'bảo trì', at: T0 });
      const reopened = await ctx.reopen();
      expect(await reopened.pausedInstances()).toEqual([{ instance: 'sms-hue', at: T0, by: 'cli', reason: 'bảo trì' }]);
    });

    it('is seen at once by another process on the same store', async () => {
      const other = await ctx.openAnother();
      await other.pauseInstance('sms-hue', { actor: 'cli', at: T0 });
      expect(await ctx.store.pausedInstances()).toMatchObject([{ instance: 'sms-hue', by: 'cli' }]);
      await ctx.store.resumeInstance('sms-hue', { actor: 'key:key_3f2a9c', at: T0 + 1 });
      expect(await other.pausedInstances()).toEqual([]);
      expect(await other.verifyAudit()).toMatchObject({ ok: true, checked: 2 });
    });

    it('does not count the time paused towards max age: waiting messages get it added on resume', async () => {
      const { store } = ctx;
      const paused = T0 + HOUR;
      const resumed = T0 + 3 * DAY;
      const before = ctx.message({ createdAt: T0 });
      const during = ctx.message({ createdAt: T0 + DAY });
      const expiredBefore = ctx.message({ createdAt: T0 - 2 * DAY, expiresAt: T0 - DAY });
      const elsewhere = ctx.message({ createdAt: T0, instance: 'sms-other' });
      const done = ctx.message({ createdAt: T0 });
      await ctx.accepted(before, expiredBefore, elsewhere, done);
      await ctx.settle(done.id, 'succeeded', T0 + 1);
      await store.pauseInstance('sms-hue', { actor: 'cli', at: paused });
      await ctx.accepted(during);

      const resume = await store.resumeInstance('sms-hue', { actor: 'cli', at: resumed });
      expect(resume?.extended).toBe(2);
      const expiresAt = async (id: string) => (await store.getMessage(id))?.expiresAt;
      // Waited paused from the pause on, or from its creation when it came during the pause.
      expect(await expiresAt(before.id)).toBe(before.expiresAt + (resumed - paused));
      expect(await expiresAt(during.id)).toBe(during.expiresAt + (resumed - during.createdAt));
      // Already past its max age when paused; another instance; not waiting: unchanged.
      expect(await expiresAt(expiredBefore.id)).toBe(expiredBefore.expiresAt);
      expect(await expiresAt(elsewhere.id)).toBe(elsewhere.expiresAt);
      expect(await expiresAt(done.id)).toBe(done.expiresAt);
      expect((await store.listAudit({}, 20)).find((entry) => entry.action === 'instance.resumed')?.summary).toMatchObject({ maxAgeMovedOn: 2 });
    });

    it('extends a backlog a batch at a time, each message once, and keeps the pause until the last batch', async () => {
      const store = await ctx.reopen({ resumeBatch: 2 });
      const paused = T0 + HOUR;
      const resumed = T0 + 3 * DAY;
      const waiting = [0, 1, 2, 3, 4].map((n) => ctx.message({ createdAt: T0 + n }));
      const done = ctx.message({ createdAt: T0 + 5 });
      await ctx.accepted(...waiting, done);
      await ctx.settle(done.id, 'succeeded', T0 + 6);
      await store.pauseInstance('sms-hue', { actor: 'cli', at: paused });

      const resume = await store.resumeInstance('sms-hue', { actor: 'cli', at: resumed });
      expect(resume?.extended).toBe(5);
      for (const message of waiting) expect((await store.getMessage(message.id))?.expiresAt).toBe(message.expiresAt + (resumed - paused));
      expect((await store.getMessage(done.id))?.expiresAt).toBe(done.expiresAt);
      expect(await store.pausedInstances()).toEqual([]);
      const audit = await store.listAudit({}, 20);
      expect(audit.filter((entry) => entry.action === 'instance.resumed')).toHaveLength(1);
      expect(await store.resumeInstance('sms-hue', { actor: 'cli', at: resumed + 1 })).toBeUndefined();
    });

    it('leaves a message accepted after the resume began as it is', async () => {
      const { store } = ctx;
      await store.pauseInstance('sms-hue', { actor: 'cli', at: T0 });
      const later = ctx.message({ createdAt: T0 + 2 * HOUR });
      await ctx.accepted(later);
      expect((await store.resumeInstance('sms-hue', { actor: 'cli', at: T0 + HOUR }))?.extended).toBe(0);
      expect((await store.getMessage(later.id))?.expiresAt).toBe(later.expiresAt);
    });
  });
});
