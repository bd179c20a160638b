import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { newMessageId } from '../../ids.ts';
import { TEST_AUDIT_KEY } from '../../testing/test-audit-key.ts';
import type { NewMessage } from '../types.ts';
import { StoreUnavailableError } from '../unavailable.ts';
import { type Connection, openConnection } from './connection.ts';
import { SqliteStore } from './sqlite-store.ts';

/** An upper bound for what the store's own probe does by itself (every 20 ms here), not a timing claim. */
const WAIT = { timeout: 10_000, interval: 20 };

const T0 = Date.UTC(2026, 10, 21, 2, 30);

let dir: string;
let file: string;
let store: SqliteStore;
let holder: Connection | undefined;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lienthong-unavailable-'));
  file = join(dir, 'lienthong.db');
  store = await SqliteStore.open(file, { auditKey: TEST_AUDIT_KEY, busyTimeoutMs: 50, probeIntervalMs: 20 });
});
afterEach(async () => {
  await holder?.close().catch(() => undefined);
  holder = undefined;
  await store.close().catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
});

let created = 0;
function message(): NewMessage {
  const createdAt = T0 + created++;
  return {
    id: newMessageId(createdAt),
    capability: 'sms',
    operation: 'send',
    agency: '000.00.01.H22',
    instance: 'sms-hue',
    plugin: 'sms-viettel',
    payload: { to: '84981234567', text: 'Ho so da co ket qua' },
    maxAttempts: 8,
    createdAt,
    expiresAt: createdAt + 86_400_000,
  };
}

/** Another connection (as a CLI verb or a stalled process would) takes the store's write lock and keeps it. */
async function holdWriteLock(): Promise<Connection> {
  holder = await openConnection(file);
  await holder.exec('BEGIN IMMEDIATE');
  return holder;
}

const auditEntries = async () => (await store.listAudit({}, 1000)).length;

describe('a store whose write lock another process holds', () => {
  it('refuses writes with a StoreUnavailableError naming the file and what to do, and writes nothing', async () => {
    const lock = await holdWriteLock();
    const refused = message();
    const error = await store.accept(refused).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect(error).toMatchObject({ reason: 'busy', code: 'SQLITE_BUSY', retryAfterSeconds: 5 });
    expect((error as Error).message).toContain(file);
    expect((error as Error).message).toMatch(/fuser .*writes again by itself/);
    expect((error as StoreUnavailableError).publicDetail).not.toContain(dir);

    await lock.exec('ROLLBACK');
    await vi.waitFor(() => expect(store.unavailable()).toBeUndefined(), WAIT);
    expect(await store.getMessage(refused.id)).toBeUndefined();
  });

  it('refuses a whole batch together: no write of it is tried on its own, none is kept', async () => {
    const lock = await holdWriteLock();
    const batch = [message(), message(), message()];
    const outcomes = await Promise.allSettled([
      ...batch.map((each) => store.accept(each)),
      store.appendAudit([{ at: T0, actor: 'test', action: 'config.loaded', summary: {} }]),
    ]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected', 'rejected', 'rejected']);
    for (const outcome of outcomes) expect((outcome as PromiseRejectedResult).reason).toBeInstanceOf(StoreUnavailableError);

    await lock.exec('ROLLBACK');
    await vi.waitFor(() => expect(store.unavailable()).toBeUndefined(), WAIT);
    for (const each of batch) expect(await store.getMessage(each.id)).toBeUndefined();
    expect(await auditEntries()).toBe(0);
  });

  it('says it cannot write until its own probe writes again, telling listeners once each way', async () => {
    const changes: Array<string | undefined> = [];
    store.onAvailabilityChange((outage) => changes.push(outage?.reason));
    const lock = await holdWriteLock();
    await expect(store.accept(message())).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.accept(message())).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(store.unavailable()?.reason).toBe('busy');
    await expect(store.checkReady()).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(changes).toEqual(['busy']);

    await lock.exec('ROLLBACK');
    // However many refused writes and failed probes came before: one change each way.
    await vi.waitFor(() => expect(changes).toEqual(['busy', undefined]), WAIT);
    await expect(store.checkReady()).resolves.toBeUndefined();
    const accepted = message();
    await expect(store.accept(accepted)).resolves.toEqual({ outcome: 'accepted', messageId: accepted.id });
  });

  it('keeps reading meanwhile: reads need no write lock', async () => {
    const before = message();
    await store.accept(before);
    await holdWriteLock();
    await expect(store.accept(message())).rejects.toBeInstanceOf(StoreUnavailableError);
    expect((await store.getMessage(before.id))?.id).toBe(before.id);
  });
});
