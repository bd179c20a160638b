/**
 * The running worker's passes: after a poll it asks every instance, after `notify(instance)` only that one, and
 * claims for several instances together. Driven with a long poll interval, so that only what the test does wakes it.
 */
import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type Fixture, SMS, WEBHOOK, createFixture } from './worker-fixture.test-helper.ts';
import { DeliveryWorker } from './worker.ts';

let fixture: Fixture;
let worker: DeliveryWorker | undefined;
afterEach(async () => {
  await worker?.stop(100);
  worker = undefined;
  await fixture.dispose();
});

async function startWorker(pollIntervalMs = 3_600_000) {
  fixture = await createFixture();
  const claims = vi.spyOn(fixture.db.store, 'claimDue');
  worker = new DeliveryWorker({ store: fixture.db.store, instances: fixture.instances, log: pino({ level: 'silent' }), clock: { now: fixture.now }, services: fixture.services, pollIntervalMs });
  worker.start();
  // The first pass looks at every instance.
  await vi.waitFor(() => expect(claims.mock.calls.map(([claim]) => claim.instance).sort()).toEqual([SMS, WEBHOOK]));
  claims.mockClear();
  return claims;
}

describe('the running worker', () => {
  it('asks only the instance it was told of', async () => {
    const claims = await startWorker();
    const message = await fixture.send('Hồ sơ đã có kết quả');
    worker?.notify(SMS);
    await vi.waitFor(async () => expect((await fixture.row(message.id)).status).toBe('succeeded'));
    expect(claims.mock.calls.map(([claim]) => claim.instance)).not.toContain(WEBHOOK);
  });

  it('asks every instance when told of none', async () => {
    const claims = await startWorker();
    worker?.notify();
    await vi.waitFor(() => expect(claims.mock.calls.map(([claim]) => claim.instance).sort()).toEqual([SMS, WEBHOOK]));
  });

  it('delivers a backlog larger than one claim without being told again', async () => {
    await startWorker();
    const sent = [];
    for (let i = 0; i < 250; i++) sent.push(await fixture.send(`tin ${i}`));
    worker?.notify(SMS);
    await vi.waitFor(async () => {
      const stats = (await fixture.db.store.queueStats()).find((entry) => entry.instance === SMS);
      expect(stats?.succeeded).toBe(250);
    }, { timeout: 20_000 });
  });

  it('still looks at every instance each poll interval while one instance is told of work all the time', async () => {
    const claims = await startWorker(200);
    const stream = setInterval(() => worker?.notify(SMS), 20);
    try {
      claims.mockClear();
      await vi.waitFor(() => expect(claims.mock.calls.map(([claim]) => claim.instance)).toContain(WEBHOOK), { timeout: 2_000 });
    } finally {
      clearInterval(stream);
    }
  });
});
