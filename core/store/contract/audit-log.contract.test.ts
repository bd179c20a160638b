import { beforeEach, describe, expect, it } from 'vitest';
import { verifyChain } from '../../audit/verify.ts';
import type { AuditEntry, AuditInput, NewMessage } from '../types.ts';
import { forEachStore } from './store-fixture.test-helper.ts';

forEachStore((ctx) => {
  let n = 0;
  function message(): NewMessage {
    n += 1;
    return {
      id: `msg_${String(n).padStart(4, '0')}`,
      capability: 'sms',
      operation: 'send',
      agency: '000.00.01.H22',
      instance: 'sms-hue',
      plugin: 'sms-viettel',
      payload: { agency: '000.00.01.H22', to: '84981234567', text: `message ${n}` },
      maxAttempts: 3,
      createdAt: 1_000 + n,
      expiresAt: 1_000_000,
    };
  }

  const entry = (m: NewMessage): AuditInput => ({ at: m.createdAt, actor: 'key:key_test', action: 'message.accepted', messageId: m.id, instance: m.instance, summary: { agency: m.agency } });

  async function acceptSome(count: number): Promise<void> {
    await Promise.all(Array.from({ length: count }, () => {
      const m = message();
      return ctx.store.accept(m, { audit: entry(m) });
    }));
  }

  /** Edits the data behind the gateway's back, as someone with access to the database could. */
  async function tamper(sql: string, params: unknown[] = []): Promise<void> {
    await ctx.sql(sql, params);
  }

  async function entries(): Promise<AuditEntry[]> {
    return ctx.store.listAudit({}, 1000);
  }

  describe('the audit log', () => {
    it('chains every entry from genesis and verifies intact', async () => {
      await acceptSome(25);
      const all = await entries();
      expect(all.map((e) => e.seq)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
      expect(await ctx.store.verifyAudit()).toMatchObject({ ok: true, checked: 25, head: { seq: 25, hash: all.at(-1)?.hash } });
      // Another key cannot produce the same chain: the HMAC is what makes forgery hard.
      expect(await verifyChain(Buffer.from('another key of at least thirty-two characters'), all)).toMatchObject({ ok: false, seq: 1 });
    });

    it('writes an entry only with the change it records: a repeated idempotent accept adds none', async () => {
      const m = message();
      const claim = { scope: 'key_test', key: 'idem-1', requestHash: 'h' };
      await ctx.store.accept(m, { idempotency: claim, audit: entry(m) });
      const again = message();
      expect(await ctx.store.accept(again, { idempotency: claim, audit: entry(again) })).toEqual({ outcome: 'repeated', messageId: m.id });
      expect((await entries()).map((e) => e.messageId)).toEqual([m.id]);
    });

    it('records nothing for a write that failed, and keeps the chain whole around it', async () => {
      const first = message();
      await ctx.store.accept(first, { audit: entry(first) });
      const clash = { ...message(), id: first.id };
      const fine = message();
      const results = await Promise.allSettled([ctx.store.accept(clash, { audit: entry(clash) }), ctx.store.accept(fine, { audit: entry(fine) })]);
      expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled']);
      expect((await entries()).map((e) => e.messageId)).toEqual([first.id, fine.id]);
      expect(await ctx.store.verifyAudit()).toMatchObject({ ok: true, checked: 2 });
    });

    it('keeps one chain when two processes append at the same time', async () => {
      const other = await ctx.openAnother();
      const note = (at: number): AuditInput => ({ at, actor: 'cli', action: 'config.loaded', summary: { at } });
      await Promise.all([
        acceptSome(40),
        ...Array.from({ length: 20 }, (_, i) => other.appendAudit([note(10_000 + i)])),
        ...Array.from({ length: 20 }, (_, i) => ctx.store.appendAudit([note(20_000 + i)])),
      ]);
      const all = await entries();
      expect(all.map((e) => e.seq)).toEqual(Array.from({ length: 80 }, (_, i) => i + 1));
      expect(await ctx.store.verifyAudit()).toMatchObject({ ok: true, checked: 80 });
      expect(await other.verifyAudit()).toMatchObject({ ok: true, checked: 80 });
    });

    it('does not fork when another process appends to the same store', async () => {
      const other = await ctx.openAnother();
      await acceptSome(3);
      await other.revokeKey('key_absent', 5_000, 'cli');
      await other.appendAudit([{ at: 5_001, actor: 'cli', action: 'config.loaded', summary: {} }]);
      // This store's view of the head is now stale: it chains on from the other's entries all the same.
      await acceptSome(3);
      await other.appendAudit([{ at: 6_000, actor: 'cli', action: 'config.loaded', summary: {} }]);
      await acceptSome(2);
      const all = await entries();
      expect(all.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      expect(await ctx.store.verifyAudit()).toMatchObject({ ok: true, checked: 10 });
    });

    describe('names the first entry tampered with', () => {
      beforeEach(() => acceptSome(10));

      it('when a field is updated', async () => {
        await tamper(`UPDATE audit_log SET actor = 'key:someone_else' WHERE seq = 4`);
        expect(await ctx.store.verifyAudit()).toMatchObject({ ok: false, seq: 4, checked: 3, problem: expect.stringMatching(/entry 4 was altered/) });
      });

      it('when a summary is rewritten', async () => {
        await tamper(`UPDATE audit_log SET summary = '{"agency":"000.00.02.H22"}' WHERE seq = 7`);
        expect(await ctx.store.verifyAudit()).toMatchObject({ ok: false, seq: 7, problem: expect.stringMatching(/altered/) });
      });

      it('when a row is deleted', async () => {
        await tamper('DELETE FROM audit_log WHERE seq = 5');
        expect(await ctx.store.verifyAudit()).toMatchObject({ ok: false, seq: 5, problem: expect.stringMatching(/entries 5 are missing|missing/) });
      });

      it('when a forged row is inserted, even one chained to its neighbour', async () => {
        // Renumber the tail to make room, then forge entry 6 pointing at entry 5's real hash.
        const [five] = await ctx.store.listAudit({ afterSeq: 4 }, 1);
        await tamper('UPDATE audit_log SET seq = seq + 100 WHERE seq > 5');
        await tamper('UPDATE audit_log SET seq = seq - 99 WHERE seq > 100');
        await tamper(
          `INSERT INTO audit_log (seq, at, actor, action, message_id, instance, summary, prev_hash, hash)
           VALUES (6, 9999, 'key:intruder', 'message.accepted', 'msg_forged', 'sms-hue', '{}', ?, ?)`,
          [five?.hash, 'f'.repeat(64)],
        );
        expect(await ctx.store.verifyAudit()).toMatchObject({ ok: false, seq: 6, problem: expect.stringMatching(/entry 6 was altered/) });
      });

      it('when two rows are swapped', async () => {
        await tamper('UPDATE audit_log SET seq = 100 WHERE seq = 3');
        await tamper('UPDATE audit_log SET seq = 3 WHERE seq = 4');
        await tamper('UPDATE audit_log SET seq = 4 WHERE seq = 100');
        expect(await ctx.store.verifyAudit()).toMatchObject({ ok: false, seq: 3, problem: expect.stringMatching(/does not chain/) });
      });

      it('when the tail is cut off after an export', async () => {
        const exported = (await entries()).at(-1);
        await tamper('DELETE FROM audit_log WHERE seq > 7');
        // The shorter chain is consistent on its own…
        expect(await ctx.store.verifyAudit()).toMatchObject({ ok: true, checked: 7 });
        // …the export's last entry shows what is gone.
        expect(await ctx.store.verifyAudit(exported)).toMatchObject({ ok: false, seq: 10, problem: expect.stringMatching(/entries from 8 to 10 were removed/) });
      });

      it('when the log was rewritten after an export', async () => {
        const exported = (await entries()).at(-1);
        await tamper(`UPDATE audit_log SET hash = ? WHERE seq = 10`, ['0'.repeat(64)]);
        expect(await ctx.store.verifyAudit(exported)).toMatchObject({ ok: false, seq: 10 });
      });
    });
  });
});
