import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadConfig } from './config/load.ts';
import { startRetention } from './retention.ts';
import { DAY, T0, useStore } from './store/sqlite/store-fixture.test-helper.ts';
import type { AuditEntry } from './store/types.ts';

/**
 * Retention on a fake clock: the payloads of messages that succeeded longer ago than `succeededPayloadDays` are
 * purged, at start and then hourly; nothing younger, nothing not succeeded; each purge is audited.
 */

const ctx = useStore();
const HOUR = 3_600_000;
const DAYS = 30;
const NOW = T0 + 60 * DAY;

let now = NOW;
const clock = { now: () => now };
let stop: (() => void) | undefined;

beforeEach(() => {
  now = NOW;
  // Only the hourly timer is faked: the store's own I/O and the polls below run on real time.
  vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
});
afterEach(() => {
  stop?.();
  stop = undefined;
  vi.useRealTimers();
});

const config = (retention: { succeededPayloadDays?: number }) => loadConfig({ agencies: [{ code: '000.00.01.H22' }], retention }, [], {});

async function purges(): Promise<AuditEntry[]> {
  return (await ctx.db.store.listAudit({}, 500)).filter((entry) => entry.action === 'payloads.purged');
}

/** Waits for the purge run in flight: it is started by a timer, not awaited by anyone. */
async function purgesToBe(count: number): Promise<AuditEntry[]> {
  for (let tries = 0; tries < 500; tries++) {
    const found = await purges();
    if (found.length >= count) return found;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`fewer than ${count} payloads.purged entries`);
}

/** A message that reached `outcome` at `at`. */
async function settled(outcome: 'succeeded' | 'dead' | 'retry', at: number): Promise<string> {
  const m = ctx.message({ createdAt: at - HOUR });
  await ctx.accepted(m);
  await ctx.settle(m.id, outcome, at);
  return m.id;
}

async function payloadPurged(id: string): Promise<boolean> {
  const message = await ctx.db.store.getMessage(id);
  if (!message) throw new Error(`no message ${id}`);
  if (message.payloadPurgedAt === null) {
    expect(message.payload).toMatchObject({ to: '84981234567' });
    return false;
  }
  expect(message).toMatchObject({ payload: null, payloadPurgedAt: expect.any(Number) });
  return true;
}

describe('retention of succeeded payloads', () => {
  it('purges at start only what succeeded longer ago than the setting, and audits the purge', async () => {
    const cutOff = NOW - DAYS * DAY;
    const longAgo = await settled('succeeded', T0);
    const justOlder = await settled('succeeded', cutOff - 1);
    const exactly = await settled('succeeded', cutOff);
    const younger = await settled('succeeded', NOW - 29 * DAY);
    const deadLongAgo = await settled('dead', T0);
    const retriedLongAgo = await settled('retry', T0);
    const neverTried = ctx.message({ createdAt: T0 });
    await ctx.accepted(neverTried);

    stop = startRetention(ctx.db.store, config({ succeededPayloadDays: DAYS }), clock, pino({ level: 'silent' }));
    const [entry] = await purgesToBe(1);

    expect(entry).toMatchObject({ at: NOW, actor: 'system', action: 'payloads.purged', summary: { messages: 2, succeededBefore: cutOff } });
    expect([entry?.messageId, entry?.instance]).toEqual([undefined, undefined]);
    expect(await payloadPurged(longAgo)).toBe(true);
    expect(await payloadPurged(justOlder)).toBe(true);
    for (const id of [exactly, younger, deadLongAgo, retriedLongAgo, neverTried.id]) expect(await payloadPurged(id), id).toBe(false);
    expect(await ctx.db.store.getMessage(longAgo)).toMatchObject({ status: 'succeeded', payloadPurgedAt: NOW });
    expect(await ctx.db.store.verifyAudit()).toMatchObject({ ok: true });
  });

  it('purges again every hour, as messages come of age, and audits only the runs that purged', async () => {
    const younger = await settled('succeeded', NOW - 29 * DAY);
    const old = await settled('succeeded', NOW - 31 * DAY);
    stop = startRetention(ctx.db.store, config({ succeededPayloadDays: DAYS }), clock, pino({ level: 'silent' }));
    await purgesToBe(1);

    // An hour on, nothing new has come of age: a run that purges nothing writes nothing.
    now += HOUR;
    await vi.advanceTimersByTimeAsync(HOUR);
    // A day on, the younger one is older than the setting.
    now += DAY;
    await vi.advanceTimersByTimeAsync(HOUR);
    const entries = await purgesToBe(2);

    expect(entries.map((entry) => [entry.at, entry.summary])).toEqual([
      [NOW, { messages: 1, succeededBefore: NOW - DAYS * DAY }],
      [now, { messages: 1, succeededBefore: now - DAYS * DAY }],
    ]);
    expect([await payloadPurged(old), await payloadPurged(younger)]).toEqual([true, true]);
  });

  it('purges nothing once stopped, and nothing at all without the setting', async () => {
    const old = await settled('succeeded', T0);
    stop = startRetention(ctx.db.store, config({}), clock, pino({ level: 'silent' }));
    await vi.advanceTimersByTimeAsync(24 * HOUR);
    expect(await payloadPurged(old)).toBe(false);
    stop();

    stop = startRetention(ctx.db.store, config({ succeededPayloadDays: DAYS }), clock, pino({ level: 'silent' }));
    await purgesToBe(1);
    stop();
    const later = await settled('succeeded', NOW - 31 * DAY + HOUR);
    now += DAY;
    await vi.advanceTimersByTimeAsync(24 * HOUR);
    expect(await payloadPurged(later)).toBe(false);
    expect(await purges()).toHaveLength(1);
  });
});
