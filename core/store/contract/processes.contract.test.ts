/** Several gateway processes on one store: what each of them may count on, whichever store they share. */
import { describe, expect, it } from 'vitest';
import { AuditKeyChanged, AuditKeyRefused } from '../../audit/key-binding.ts';
import type { AuditInput, MessageRecord, NewMessage, Store } from '../types.ts';
import { T0, forEachStore } from './store-fixture.test-helper.ts';

const OTHER_KEY = Buffer.from('another audit key of at least thirty-two characters', 'utf8');
const NEW_KEY = Buffer.from('the audit key after rotation, 0123456789abcdef', 'utf8');
const note = (at: number): AuditInput => ({ at, actor: 'cli', action: 'config.loaded', summary: { at } });

forEachStore((ctx) => {
  describe('several processes on one store', () => {
    it('never lease one message to two processes claiming at once, and keep each ordering key in order', async () => {
      const processes: Store[] = [ctx.store, await ctx.openAnother(), await ctx.openAnother()];
      const keys = ['H22-0001', 'H22-0002', 'H22-0003'];
      const messages: NewMessage[] = [];
      for (let i = 0; i < 45; i++) {
        const orderingKey = i % 5 === 4 ? undefined : keys[i % keys.length];
        // Progress (rank 1) comes in before the sync (rank 0) it follows, now and then: the rank still goes first.
        messages.push(ctx.message({ orderingKey, orderingRank: orderingKey && i < 6 ? 1 : 0 }));
      }
      await ctx.accepted(...messages);

      const leasedBy = new Map<string, number>();
      const ran: Record<string, string[]> = {};
      let now = T0 + 100;
      for (let round = 0; leasedBy.size < messages.length; round++) {
        if (round > 100) throw new Error(`only ${leasedBy.size} of ${messages.length} messages were claimed`);
        const claims = await Promise.all(
          processes.map((store, p) => store.claimDue({ instance: 'sms-hue', limit: 4, now, leaseOwner: `process-${p}`, leaseUntil: now + 60_000 })),
        );
        const inFlight = new Set<string>();
        const completions: Array<Promise<boolean>> = [];
        claims.forEach((claimed: MessageRecord[], p) => {
          for (const message of claimed) {
            expect(leasedBy.has(message.id), `${message.id} leased twice`).toBe(false);
            leasedBy.set(message.id, p);
            if (message.orderingKey) {
              // One message of a key at a time, in whichever process.
              expect(inFlight.has(message.orderingKey), `${message.orderingKey} attempted twice at once`).toBe(false);
              inFlight.add(message.orderingKey);
              (ran[message.orderingKey] ??= []).push(message.id);
            }
            completions.push(processes[p]!.completeAttempt({ messageId: message.id, leaseOwner: `process-${p}`, outcome: 'succeeded', now, attempt: { number: 1, startedAt: now } }));
          }
        });
        expect(await Promise.all(completions)).not.toContain(false);
        now += 1;
      }
      for (const key of keys) {
        const expected = messages
          .filter((m) => m.orderingKey === key)
          .map((m, i) => ({ id: m.id, rank: m.orderingRank ?? 0, i }))
          .sort((a, b) => a.rank - b.rank || a.i - b.i)
          .map((m) => m.id);
        expect(ran[key]).toEqual(expected);
      }
      // The work was shared: more than one process claimed something.
      expect(new Set(leasedBy.values()).size).toBeGreaterThan(1);
    });

    it('take over the leases a stopped process left, once they expire', async () => {
      const stopped = await ctx.openAnother();
      const [a, b] = [ctx.message(), ctx.message()];
      await ctx.accepted(a, b);
      expect(await stopped.claimDue({ instance: 'sms-hue', limit: 10, now: T0 + 10, leaseOwner: 'stopped', leaseUntil: T0 + 30_000 })).toHaveLength(2);
      expect(await ctx.store.claimDue({ instance: 'sms-hue', limit: 10, now: T0 + 29_999, leaseOwner: 'alive', leaseUntil: T0 + 90_000 })).toEqual([]);
      const taken = await ctx.store.claimDue({ instance: 'sms-hue', limit: 10, now: T0 + 30_001, leaseOwner: 'alive', leaseUntil: T0 + 90_000 });
      expect(taken.map((m) => [m.id, m.leaseOwner, m.attempts])).toEqual([[a.id, 'alive', 2], [b.id, 'alive', 2]]);
    });

    it('refuse a process given another audit key, having written nothing', async () => {
      await ctx.store.appendAudit([note(T0)]);
      await expect(ctx.openAnother({ auditKey: OTHER_KEY })).rejects.toThrow(AuditKeyRefused);
      expect(await ctx.store.listAudit({}, 10)).toHaveLength(1);
      expect(await ctx.store.verifyAudit()).toMatchObject({ ok: true, checked: 1 });
    });

    it('stop a process chaining under a key another process rotated away from', async () => {
      const other = await ctx.openAnother();
      await other.appendAudit([note(T0)]);
      await ctx.store.rotateAuditKey(NEW_KEY, T0 + 1, 'cli');
      await expect(other.appendAudit([note(T0 + 2)])).rejects.toThrow(AuditKeyChanged);
      await ctx.store.appendAudit([note(T0 + 3)]);
      expect((await ctx.store.listAudit({}, 10)).map((e) => e.action)).toEqual(['config.loaded', 'audit.key.rotated', 'config.loaded']);
      expect(await ctx.store.verifyAudit()).toMatchObject({ ok: true, checked: 3 });
    });
  });
});
