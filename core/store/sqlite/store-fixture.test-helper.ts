/** Test support, not production: a fresh SQLite store per test, and shorthands for putting messages in a state. */
import { afterEach, beforeEach, expect } from 'vitest';
import { newMessageId } from '../../ids.ts';
import { openTempStore, type TempStore } from '../temp-store.test-helper.ts';
import type { MessageRecord, NewMessage } from '../types.ts';

export const T0 = Date.UTC(2026, 10, 21, 2, 30);
export const DAY = 86_400_000;

export const ids = (messages: MessageRecord[]) => messages.map((m) => m.id);

export interface StoreContext {
  /** The current test's store; replace `db.store` to reopen the same file. */
  readonly db: TempStore;
  /** A new SMS message for `sms-hue`, created one millisecond after the previous one unless told otherwise. */
  message(overrides?: Partial<NewMessage>): NewMessage;
  /** Accepts each message and checks it was accepted. */
  accepted(...messages: NewMessage[]): Promise<void>;
  /** Claims `id` and closes its attempt with `outcome`; whatever was claimed along goes back untouched. */
  settle(id: string, outcome: 'succeeded' | 'dead' | 'retry', now: number, error?: string): Promise<void>;
}

/** Registers the hooks that open a store before each test and remove it after. */
export function useStore(): StoreContext {
  let created = 0;
  let current: TempStore | undefined;
  const ctx: StoreContext = {
    get db() {
      if (!current) throw new Error('useStore: the store is open only inside a test');
      return current;
    },
    message(overrides = {}) {
      const createdAt = overrides.createdAt ?? T0 + created++;
      return {
        id: newMessageId(createdAt),
        capability: 'sms',
        operation: 'send',
        agency: '000.00.01.H22',
        instance: 'sms-hue',
        plugin: 'sms-viettel',
        payload: { agency: overrides.agency ?? '000.00.01.H22', to: '84981234567', text: 'Hồ sơ đã có kết quả' },
        maxAttempts: 8,
        createdAt,
        expiresAt: createdAt + DAY,
        ...overrides,
      };
    },
    async accepted(...messages) {
      for (const m of messages) expect(await ctx.db.store.accept(m)).toEqual({ outcome: 'accepted', messageId: m.id });
    },
    async settle(id, outcome, now, error) {
      const { store } = ctx.db;
      const m = await store.getMessage(id);
      if (!m) throw new Error(`no message ${id}`);
      const claimed = await store.claimDue({ instance: m.instance, limit: 1000, now, leaseOwner: 'settle', leaseUntil: now + 60_000 });
      const mine = claimed.find((c) => c.id === id);
      if (!mine) throw new Error(`message ${id} was not due at ${now}`);
      const done = await store.completeAttempt({
        messageId: id,
        leaseOwner: 'settle',
        outcome,
        now,
        error,
        nextAttemptAt: outcome === 'retry' ? now + 1_000 : undefined,
        attempt: { number: mine.attempts, startedAt: now },
      });
      expect(done).toBe(true);
      // The others claimed along go back to the queue, their attempt given back.
      await store.releaseLeases('settle', now);
    },
  };
  beforeEach(async () => {
    created = 0;
    current = await openTempStore();
  });
  afterEach(async () => {
    await current?.dispose();
    current = undefined;
  });
  return ctx;
}
