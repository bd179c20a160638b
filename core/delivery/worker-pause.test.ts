import { pino } from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { retryable } from './scripted-plugin.test-helper.ts';
import { DeliveryWorker } from './worker.ts';
import { SMS, T0, useFixtures } from './worker-fixture.test-helper.ts';

const setup = useFixtures();
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe('DeliveryWorker: a paused instance', () => {
  it('gets no attempt and spends no budget while paused, and is delivered once resumed', async () => {
    const f = await setup({ events: ['payment.succeeded'] });
    const message = await f.send('M1');
    await f.db.store.pauseInstance(SMS, { actor: 'cli', reason: 'Viettel bảo trì', at: T0 });

    expect(await f.worker.deliverDue({ wait: true })).toBe(0);
    f.advance(HOUR);
    expect(await f.worker.deliverDue({ wait: true })).toBe(0);
    expect(f.sms.calls).toEqual([]);
    expect(await f.row(message.id)).toMatchObject({ status: 'queued', attempts: 0, totalAttempts: 0, lastError: null });
    expect(await f.db.store.listAttempts(message.id)).toEqual([]);

    await f.db.store.resumeInstance(SMS, { actor: 'cli', at: f.now() });
    expect(await f.worker.deliverDue({ wait: true })).toBe(1);
    expect(f.sms.labels()).toEqual(['M1']);
    expect(await f.row(message.id)).toMatchObject({ status: 'succeeded', attempts: 1 });
  });

  it('holds a message waiting for a retry too, its attempts as they were', async () => {
    const f = await setup({ events: ['payment.succeeded'], sms: { baseDelayMs: 1_000, maxDelayMs: 1_000 } });
    const message = await f.send('M1');
    f.sms.queue(retryable());
    expect(await f.worker.deliverDue({ wait: true })).toBe(1);
    await f.db.store.pauseInstance(SMS, { actor: 'key:key_3f2a9c', at: f.now() });

    f.advance(10 * 60_000);
    expect(await f.worker.deliverDue({ wait: true })).toBe(0);
    expect(await f.row(message.id)).toMatchObject({ status: 'queued', attempts: 1 });

    await f.db.store.resumeInstance(SMS, { actor: 'cli', at: f.now() });
    expect(await f.worker.deliverDue({ wait: true })).toBe(1);
    expect(await f.row(message.id)).toMatchObject({ status: 'succeeded', attempts: 2 });
  });

  it('is not dead-lettered for age by a pause longer than its max age: the time paused does not count', async () => {
    const f = await setup({ events: ['payment.succeeded'], sms: { maxAgeMs: DAY } });
    const message = await f.send('M1');
    f.advance(HOUR);
    await f.db.store.pauseInstance(SMS, { actor: 'cli', at: f.now() });

    f.advance(3 * DAY);
    expect(await f.worker.deliverDue({ wait: true })).toBe(0);
    await f.db.store.resumeInstance(SMS, { actor: 'cli', at: f.now() });
    expect((await f.row(message.id)).expiresAt).toBe(message.expiresAt + 3 * DAY);

    expect(await f.worker.deliverDue({ wait: true })).toBe(1);
    expect(await f.row(message.id)).toMatchObject({ status: 'succeeded', attempts: 1 });
  });

  it('leaves the other instances alone', async () => {
    const f = await setup();
    await f.send('M1');
    await f.db.store.pauseInstance('webhook-ops', { actor: 'cli', at: T0 });
    expect(await f.worker.deliverDue({ wait: true })).toBe(1);
    expect(f.sms.labels()).toEqual(['M1']);
    expect(f.instance('webhook-ops').pause).toMatchObject({ by: 'cli' });
    expect(f.instance(SMS).pause).toBeNull();
  });

  it('running, it reads pauses made elsewhere at each poll, and a resume made elsewhere lets it deliver', async () => {
    const f = await setup({ events: ['payment.succeeded'] });
    const worker = new DeliveryWorker({
      store: f.db.store,
      instances: f.instances,
      log: pino({ level: 'silent' }),
      clock: { now: () => f.now() },
      services: f.services,
      pollIntervalMs: 20,
    });
    await f.db.store.pauseInstance(SMS, { actor: 'cli', at: T0 });
    worker.start();
    try {
      await vi.waitFor(() => expect(f.instance(SMS).pause).toMatchObject({ by: 'cli' }));
      const message = await f.send('M1');
      worker.notify(SMS);
      await f.db.store.resumeInstance(SMS, { actor: 'cli', at: f.now() });
      await vi.waitFor(async () => expect(await f.row(message.id)).toMatchObject({ status: 'succeeded', attempts: 1 }));
      expect(f.instance(SMS).pause).toBeNull();
    } finally {
      await worker.stop();
    }
  });

  it('logs a pause of an instance the config lacks once, not at every poll', async () => {
    const f = await setup();
    const lines: Array<{ level: number; msg: string }> = [];
    const log = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line) as { level: number; msg: string }) });
    const worker = new DeliveryWorker({ store: f.db.store, instances: f.instances, log, clock: { now: () => f.now() }, services: f.services });
    await f.db.store.pauseInstance('sms-hue-typo', { actor: 'cli', at: T0 });
    await worker.deliverDue({ wait: true });
    await worker.deliverDue({ wait: true });
    expect(lines.map((line) => line.msg)).toEqual([
      "the store holds a pause of instance sms-hue-typo, which this gateway's config does not have (its instances: sms-hue, webhook-ops): if the id was mistyped, run `lienthong instances resume sms-hue-typo` and pause the right one",
    ]);
  });
});
