/**
 * Test support, not production: the contract tests' fixture. `forEachStore` defines the same tests once per store
 * (SQLite always, PostgreSQL when configured, else one visible skip), each test with a fresh store, and shorthands
 * for putting messages in a state.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { newMessageId } from '../../ids.ts';
import type { MessageRecord, NewMessage, Store } from '../types.ts';
import { type OpenedStore, type StoreKind, type StoreOptions, storeKinds } from './store-kinds.test-helper.ts';

export const T0 = Date.UTC(2026, 10, 21, 2, 30);
export const DAY = 86_400_000;

export const ids = (messages: MessageRecord[]) => messages.map((m) => m.id);

export interface StoreContext {
  /** Which store the tests run against: `SQLite`, `PostgreSQL`. */
  readonly kind: string;
  /** The current test's store. */
  readonly store: Store;
  /** Raw SQL on the store's data, `?` placeholders (what the store committed). */
  sql<Row>(query: string, params?: unknown[]): Promise<Row[]>;
  /** Another store on the same data, as a second process opens it (closed after the test). */
  openAnother(options?: StoreOptions): Promise<Store>;
  /** Closes the store and opens the same data again. */
  reopen(options?: StoreOptions): Promise<Store>;
  /** A new SMS message for `sms-hue`, created one millisecond after the previous one unless told otherwise. */
  message(overrides?: Partial<NewMessage>): NewMessage;
  /** Accepts each message and checks it was accepted. */
  accepted(...messages: NewMessage[]): Promise<void>;
  /** Claims `id` and closes its attempt with `outcome`; whatever was claimed along goes back untouched. */
  settle(id: string, outcome: 'succeeded' | 'dead' | 'retry', now: number, error?: string): Promise<void>;
}

/** Defines `tests` once per store kind, in a `describe` named after it. */
export function forEachStore(tests: (ctx: StoreContext) => void, options: StoreOptions = {}): void {
  for (const kind of storeKinds()) {
    describe(kind.name, () => {
      // A store this machine cannot test (PostgreSQL without LIENTHONG_TEST_DATABASE_URL): one skipped case says why.
      if (kind.skip) {
        it.skip(kind.skip, () => undefined);
        return;
      }
      tests(useStore(kind, options));
    });
  }
}

function useStore(kind: StoreKind, options: StoreOptions): StoreContext {
  let created = 0;
  let current: OpenedStore | undefined;
  const opened = () => {
    if (!current) throw new Error('useStore: the store is open only inside a test');
    return current;
  };
  const ctx: StoreContext = {
    kind: kind.name,
    get store() {
      return opened().store;
    },
    sql: (query, params) => opened().sql(query, params),
    openAnother: (another) => opened().openAnother(another),
    reopen: (again) => opened().reopen(again),
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
      for (const m of messages) expect(await ctx.store.accept(m)).toEqual({ outcome: 'accepted', messageId: m.id });
    },
    async settle(id, outcome, now, error) {
      const { store } = ctx;
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
  beforeAll(() => kind.start());
  afterAll(() => kind.stop());
  beforeEach(async () => {
    created = 0;
    current = await kind.open(options);
  });
  afterEach(async () => {
    await current?.dispose();
    current = undefined;
  });
  return ctx;
}
