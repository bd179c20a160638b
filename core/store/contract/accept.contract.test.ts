import { describe, expect, it } from 'vitest';
import type { MessageFilter } from '../types.ts';
import { ids, T0, forEachStore } from './store-fixture.test-helper.ts';

forEachStore((ctx) => {
  describe('accept', () => {
    it('stores 500 concurrent accepts, each readable once committed', async () => {
      const batch = Array.from({ length: 500 }, (_, i) => ctx.message({ reference: `REF-${i}` }));
      const results = await Promise.all(batch.map((m) => ctx.store.accept(m)));

      expect(results).toEqual(batch.map((m) => ({ outcome: 'accepted', messageId: m.id })));
      const stored = await Promise.all(batch.map((m) => ctx.store.getMessage(m.id)));
      expect(stored.every((m, i) => m?.reference === `REF-${i}` && m.status === 'queued' && m.attempts === 0)).toBe(true);
      const sequences = new Set(stored.map((m) => m?.sequence));
      expect(sequences.size).toBe(500);
      const page = await ctx.store.listMessages({}, { limit: 1000 });
      expect(page.messages).toHaveLength(500);
      expect(page.nextCursor).toBeUndefined();
    });

    it('stores the message as given: queued, due at creation, no attempts', async () => {
      const m = ctx.message({ reference: 'H22.99-261121-0001', orderingKey: 'H22.99-261121-0001', maxAttempts: 3 });
      await ctx.accepted(m);
      const stored = await ctx.store.getMessage(m.id);
      expect(stored).toMatchObject({
        id: m.id, status: 'queued', attempts: 0, maxAttempts: 3, nextAttemptAt: m.createdAt, reference: m.reference,
        orderingKey: m.orderingKey, payload: m.payload, replays: 0, lastError: null, leaseOwner: null, cancelledAt: null,
        createdAt: m.createdAt, updatedAt: m.createdAt, expiresAt: m.expiresAt,
      });
      expect(await ctx.store.listAttempts(m.id)).toEqual([]);
    });

    it('answers a repeated Idempotency-Key within one batch with the first message and refuses another body', async () => {
      const claim = { scope: 'key_client', key: 'idem-1', requestHash: 'hash-a' };
      const [first, second, third] = [ctx.message(), ctx.message(), ctx.message()];
      const results = await Promise.all([
        ctx.store.accept(first, { idempotency: claim }),
        ctx.store.accept(second, { idempotency: claim }),
        ctx.store.accept(third, { idempotency: { ...claim, requestHash: 'hash-b' } }),
      ]);

      expect(results).toEqual([
        { outcome: 'accepted', messageId: first.id },
        { outcome: 'repeated', messageId: first.id },
        { outcome: 'conflict' },
      ]);
      expect(await ctx.store.getMessage(second.id)).toBeUndefined();
      expect(await ctx.store.getMessage(third.id)).toBeUndefined();
      expect(ids((await ctx.store.listMessages({}, { limit: 10 })).messages)).toEqual([first.id]);
    });

    it('answers a repeated Idempotency-Key across batches, and keeps scopes apart', async () => {
      const claim = { scope: 'key_client', key: 'idem-2', requestHash: 'hash-a' };
      const first = ctx.message();
      expect(await ctx.store.accept(first, { idempotency: claim })).toEqual({ outcome: 'accepted', messageId: first.id });

      expect(await ctx.store.accept(ctx.message(), { idempotency: claim })).toEqual({ outcome: 'repeated', messageId: first.id });
      expect(await ctx.store.accept(ctx.message(), { idempotency: { ...claim, requestHash: 'hash-b' } })).toEqual({ outcome: 'conflict' });
      // The conflicting body did not replace the recorded one.
      expect(await ctx.store.accept(ctx.message(), { idempotency: claim })).toEqual({ outcome: 'repeated', messageId: first.id });
      expect((await ctx.store.listMessages({}, { limit: 10 })).messages).toHaveLength(1);

      const other = ctx.message();
      expect(await ctx.store.accept(other, { idempotency: { ...claim, scope: 'key_other', requestHash: 'hash-b' } })).toEqual({ outcome: 'accepted', messageId: other.id });
      expect(ids((await ctx.store.listMessages({}, { limit: 10 })).messages)).toEqual([other.id, first.id]);
    });

    it('does not let a sync answer stored under a key pass for a message', async () => {
      await ctx.store.storeResponse('key_client', 'idem-3', { requestHash: 'hash-a', status: 200, body: '{"ok":true}', createdAt: T0 });
      expect(await ctx.store.getStoredResponse('key_client', 'idem-3')).toEqual({ requestHash: 'hash-a', status: 200, body: '{"ok":true}', createdAt: T0 });
      expect(await ctx.store.accept(ctx.message(), { idempotency: { scope: 'key_client', key: 'idem-3', requestHash: 'hash-a' } })).toEqual({ outcome: 'conflict' });
      expect(await ctx.store.getStoredResponse('key_client', 'other')).toBeUndefined();
    });
  });

  describe('group commit', () => {
    it('does not fail the other accepts of a batch when one of them cannot be stored', async () => {
      const existing = ctx.message();
      await ctx.accepted(existing);
      const fresh = [ctx.message(), ctx.message()];
      const claim = { scope: 'key_client', key: 'idem-batch', requestHash: 'hash-a' };

      const results = await Promise.allSettled([
        ctx.store.accept(fresh[0]!, { idempotency: claim }),
        ctx.store.accept({ ...ctx.message(), id: existing.id }),
        ctx.store.accept(fresh[1]!),
      ]);

      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      for (const m of fresh) expect(await ctx.store.getMessage(m.id)).toMatchObject({ status: 'queued' });
      expect(await ctx.store.accept(ctx.message(), { idempotency: claim })).toEqual({ outcome: 'repeated', messageId: fresh[0]!.id });
      expect((await ctx.store.listMessages({}, { limit: 10 })).messages).toHaveLength(3);
    });

    it('runs the other writes of a batch when one of them fails', async () => {
      const m = ctx.message();
      await ctx.accepted(m);
      const key = { id: 'key_1', hash: 'e'.repeat(64), role: 'operator' as const, agencies: ['*'], label: null, createdAt: T0, revokedAt: null };
      await ctx.store.createKey(key, 'test');

      const [duplicateKey, claimed] = await Promise.allSettled([
        ctx.store.createKey({ ...key, hash: 'f'.repeat(64) }, 'test'),
        ctx.store.claimDue({ instance: 'sms-hue', limit: 1, now: T0 + 10, leaseOwner: 'w', leaseUntil: T0 + 1_000 }),
      ]);

      expect(duplicateKey.status).toBe('rejected');
      expect(claimed.status).toBe('fulfilled');
      expect(await ctx.store.getMessage(m.id)).toMatchObject({ status: 'processing', attempts: 1 });
      expect(await ctx.store.findKeyByHash('f'.repeat(64))).toBeUndefined();
    });
  });

  describe('listMessages', () => {
    it('pages newest first with a cursor, and says when the last page is reached', async () => {
      const five = Array.from({ length: 5 }, () => ctx.message());
      await ctx.accepted(...five);
      const newestFirst = five.map((m) => m.id).reverse();

      const first = await ctx.store.listMessages({}, { limit: 2 });
      expect(ids(first.messages)).toEqual(newestFirst.slice(0, 2));
      expect(first.nextCursor).toBeDefined();
      const second = await ctx.store.listMessages({}, { limit: 2, cursor: first.nextCursor });
      expect(ids(second.messages)).toEqual(newestFirst.slice(2, 4));
      const third = await ctx.store.listMessages({}, { limit: 2, cursor: second.nextCursor });
      expect(ids(third.messages)).toEqual(newestFirst.slice(4));
      expect(third.nextCursor).toBeUndefined();

      // A page that ends exactly at the oldest message is the last one.
      const exact = await ctx.store.listMessages({}, { limit: 3, cursor: first.nextCursor });
      expect(ids(exact.messages)).toEqual(newestFirst.slice(2));
      expect(exact.nextCursor).toBeUndefined();
    });

    it('applies each filter', async () => {
      const sms = ctx.message({ createdAt: T0 + 1_000, reference: 'H22.99-0001' });
      const otherAgency = ctx.message({ createdAt: T0 + 2_000, agency: '000.00.02.H22' });
      const payment = ctx.message({ createdAt: T0 + 3_000, capability: 'payment', operation: 'create', instance: 'pay-hue', plugin: 'payment-vietinbank' });
      const failed = ctx.message({ createdAt: T0 + 4_000 });
      const thirdAgency = ctx.message({ createdAt: T0 + 5_000, agency: '000.00.03.H22', reference: 'H22.99-0005' });
      await ctx.accepted(sms, otherAgency, payment, failed, thirdAgency);
      await ctx.settle(failed.id, 'dead', T0 + 10_000, 'upstream said: 100%_busy');
      await ctx.settle(sms.id, 'succeeded', T0 + 10_000);
      const list = async (filter: MessageFilter) => ids((await ctx.store.listMessages(filter, { limit: 50 })).messages);

      expect(await list({ status: 'dead' })).toEqual([failed.id]);
      expect(await list({ status: 'succeeded' })).toEqual([sms.id]);
      expect(await list({ status: 'queued' })).toEqual([thirdAgency.id, payment.id, otherAgency.id]);
      expect(await list({ capability: 'payment' })).toEqual([payment.id]);
      expect(await list({ instance: 'pay-hue' })).toEqual([payment.id]);
      expect(await list({ instance: 'sms-hue', status: 'queued' })).toEqual([thirdAgency.id, otherAgency.id]);
      expect(await list({ agency: '000.00.02.H22' })).toEqual([otherAgency.id]);
      expect(await list({ since: T0 + 2_000, until: T0 + 4_000 })).toEqual([payment.id, otherAgency.id]);
      expect(await list({ since: T0 + 5_000 })).toEqual([thirdAgency.id]);
      expect(await list({ until: T0 + 1_001 })).toEqual([sms.id]);
      expect(await list({ q: payment.id })).toEqual([payment.id]);
      expect(await list({ q: 'H22.99-0005' })).toEqual([thirdAgency.id]);
      expect(await list({ q: '100%_busy' })).toEqual([failed.id]);
      // LIKE wildcards in q are taken literally.
      expect(await list({ q: '%' })).toEqual([failed.id]);
      expect(await list({ q: '100__busy' })).toEqual([]);
      // A reference or dossier code is found by its beginning, not by a part in the middle.
      expect(await list({ q: 'H22.99' })).toEqual([thirdAgency.id, sms.id]);
      expect(await list({ q: '99-0005' })).toEqual([]);
      expect(await list({ agencies: ['000.00.02.H22', '000.00.03.H22'] })).toEqual([thirdAgency.id, otherAgency.id]);
      expect(await list({ agencies: ['*'] })).toHaveLength(5);
      expect(await list({ agencies: [] })).toEqual([]);
      expect(await list({ agencies: ['000.00.03.H22'], q: 'H22.99-0001' })).toEqual([]);
    });
  });
});
