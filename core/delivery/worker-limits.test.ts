import { afterEach, describe, expect, it } from 'vitest';
import type { DeliveryOverrides } from '../sdk/contract.ts';
import { block, Gate, permanent, retryable } from './scripted-plugin.test-helper.ts';
import { createFixture, type Fixture, SMS, T0 } from './worker-fixture.test-helper.ts';
import { DeliveryWorker } from './worker.ts';

let fixture: Fixture | undefined;
afterEach(async () => {
  await fixture?.dispose();
  fixture = undefined;
});

/** `count` due SMS messages; message.dead events are left out so that only SMS claims are counted. */
async function withMessages(count: number, sms: DeliveryOverrides) {
  fixture = await createFixture({ sms, events: ['payment.succeeded'] });
  const messages = [];
  for (let i = 1; i <= count; i++) messages.push(await fixture.send(`M${i}`));
  return { f: fixture, messages };
}

async function statuses(f: Fixture) {
  const { messages } = await f.db.store.listMessages({ instance: SMS }, { limit: 50 });
  return messages.reverse().map((m) => `${m.status}:${m.attempts}`);
}

describe('DeliveryWorker: concurrency limit', () => {
  it('runs no more attempts at once than the instance allows; as many again wait claimed in its local queue', async () => {
    const { f } = await withMessages(5, { concurrency: 2 });
    const held = new Gate();
    f.sms.queue(block(held), block(held));

    const first = f.worker.deliverDue({ wait: true });
    await held.reached;
    expect(await f.worker.deliverDue({ wait: true })).toBe(0);
    // Two attempting, two claimed and waiting for a slot, the fifth left for another process to take.
    expect(f.sms.labels()).toEqual(['M1', 'M2']);
    expect(await statuses(f)).toEqual(['processing:1', 'processing:1', 'processing:1', 'processing:1', 'queued:0']);

    held.release();
    expect(await first).toBe(4);
    expect(await f.worker.deliverDue({ wait: true })).toBe(1);
    expect(await statuses(f)).toEqual(Array(5).fill('succeeded:1'));
  });

  it('claims only for free slots with no local queue', async () => {
    fixture = await createFixture({ sms: { concurrency: 2 }, events: ['payment.succeeded'] });
    const f = fixture;
    for (let i = 1; i <= 3; i++) await f.send(`M${i}`);
    const worker = new DeliveryWorker({ ...f.workerOptions, localQueue: 0 });
    const held = new Gate();
    f.sms.queue(block(held), block(held));

    const first = worker.deliverDue({ wait: true });
    await held.reached;
    expect(await worker.deliverDue({ wait: true })).toBe(0);
    expect(await statuses(f)).toEqual(['processing:1', 'processing:1', 'queued:0']);
    held.release();
    expect(await first).toBe(2);
    expect(await worker.deliverDue({ wait: true })).toBe(1);
  });

  it('gives a waiting message back unattempted when the instance is paused before its turn', async () => {
    const { f } = await withMessages(3, { concurrency: 1 });
    const held = new Gate();
    f.sms.queue(block(held));

    const first = f.worker.deliverDue({ wait: true });
    await held.reached;
    expect(await statuses(f)).toEqual(['processing:1', 'processing:1', 'queued:0']);
    f.instance(SMS).pause = { instance: SMS, at: f.now(), by: 'cli', reason: 'maintenance' };
    held.release();
    await first;
    // The first had started and ends; the second never started: queued again with its attempt given back.
    expect(f.sms.labels()).toEqual(['M1']);
    expect(await statuses(f)).toEqual(['succeeded:1', 'queued:0', 'queued:0']);
  });

  it('gives a waiting message back unattempted when the circuit opened before its turn', async () => {
    const { f } = await withMessages(3, { concurrency: 1, breakerThreshold: 1 });
    const held = new Gate();
    f.sms.queue(block(held, retryable()));

    const first = f.worker.deliverDue({ wait: true });
    await held.reached;
    held.release();
    await first;
    expect(f.sms.labels()).toEqual(['M1']);
    expect(await statuses(f)).toEqual(['queued:1', 'queued:0', 'queued:0']);
  });

  it('gives a waiting message back unattempted when too little of its lease is left for an attempt', async () => {
    const { f } = await withMessages(2, { concurrency: 1, timeoutMs: 5_000 });
    const held = new Gate();
    f.sms.queue(block(held));

    const first = f.worker.deliverDue({ wait: true });
    await held.reached;
    // The lease is the timeout plus 10 s from the claim: 4 s of it are left, less than an attempt may take.
    f.advance(11_000);
    held.release();
    await first;
    expect(f.sms.labels()).toEqual(['M1']);
    expect(await statuses(f)).toEqual(['succeeded:1', 'queued:0']);
  });

  it('leaves waiting messages unstarted on shutdown and releases them with their attempt given back', async () => {
    const { f } = await withMessages(3, { concurrency: 1 });
    const held = new Gate();
    f.sms.queue(block(held));

    const first = f.worker.deliverDue({ wait: true });
    await held.reached;
    const stopped = f.worker.stop(5_000);
    held.release();
    await stopped;
    await first;
    expect(f.sms.labels()).toEqual(['M1']);
    expect(await statuses(f)).toEqual(['succeeded:1', 'queued:0', 'queued:0']);
  });
});

describe('DeliveryWorker: rate limit', () => {
  it('starts no more attempts per second than allowed', async () => {
    const { f } = await withMessages(5, { ratePerSecond: 2 });

    expect(await f.worker.deliverDue({ wait: true })).toBe(2);
    expect(await f.worker.deliverDue({ wait: true })).toBe(0);
    f.advance(499);
    expect(await f.worker.deliverDue({ wait: true })).toBe(0);
    // Two a second: one more every half second, none saved up beyond what was taken.
    f.advance(1);
    expect(await f.worker.deliverDue({ wait: true })).toBe(1);
    expect(await f.worker.deliverDue({ wait: true })).toBe(0);
    expect(await statuses(f)).toEqual(['succeeded:1', 'succeeded:1', 'succeeded:1', 'queued:0', 'queued:0']);
    f.advance(500);
    expect(await f.worker.deliverDue({ wait: true })).toBe(1);
    f.advance(1_000);
    expect(await f.worker.deliverDue({ wait: true })).toBe(1);
    expect(await statuses(f)).toEqual(Array(5).fill('succeeded:1'));
  });
});

describe('DeliveryWorker: circuit breaker', () => {
  const policy = { breakerThreshold: 3, breakerCooldownMs: 60_000, baseDelayMs: 1_000 };

  /** Three retryable failures in a row open the circuit at T0. */
  async function opened() {
    const { f, messages } = await withMessages(3, policy);
    f.sms.queue(retryable(), retryable(), retryable());
    expect(await f.worker.deliverDue({ wait: true })).toBe(3);
    expect(f.instance(SMS).breaker.state(T0)).toBe('open');
    return { f, messages };
  }

  it('spends no attempts while open: messages wait, they do not die', async () => {
    const { f } = await opened();
    await f.send('M4');

    f.advance(59_999);
    expect(await f.worker.deliverDue({ wait: true })).toBe(0);
    expect(await statuses(f)).toEqual(['queued:1', 'queued:1', 'queued:1', 'queued:0']);
    expect(f.sms.calls).toHaveLength(3);
  });

  it('lets a single probe go after the cooldown, and closes on its success', async () => {
    const { f } = await opened();
    f.at(T0 + 60_000);
    const probe = new Gate();
    f.sms.queue(block(probe));

    const probing = f.worker.deliverDue({ wait: true });
    await probe.reached;
    expect(await f.worker.deliverDue({ wait: true })).toBe(0);
    expect(await statuses(f)).toEqual(['processing:2', 'queued:1', 'queued:1']);

    probe.release();
    expect(await probing).toBe(1);
    expect(f.instance(SMS).breaker.state(f.now())).toBe('closed');
    expect(await f.worker.deliverDue({ wait: true })).toBe(2);
    expect(await statuses(f)).toEqual(['succeeded:2', 'succeeded:2', 'succeeded:2']);
  });

  it('opens again for a whole cooldown when the probe fails', async () => {
    const { f } = await opened();
    f.at(T0 + 60_000);
    f.sms.queue(retryable('still down'));
    expect(await f.worker.deliverDue({ wait: true })).toBe(1);
    expect(await statuses(f)).toEqual(['queued:2', 'queued:1', 'queued:1']);

    f.at(T0 + 119_999);
    expect(await f.worker.deliverDue({ wait: true })).toBe(0);
    f.at(T0 + 120_000);
    expect(await f.worker.deliverDue({ wait: true })).toBe(1);
    expect(await f.worker.deliverDue({ wait: true })).toBe(2);
    // The failed probe (M1) was put back behind the others.
    expect(await statuses(f)).toEqual(['succeeded:3', 'succeeded:2', 'succeeded:2']);
  });

  it('is not opened by permanent refusals', async () => {
    const { f } = await withMessages(4, policy);
    f.sms.queue(permanent(), permanent(), permanent());
    expect(await f.worker.deliverDue({ wait: true })).toBe(4);
    expect(f.instance(SMS).breaker.state(f.now())).toBe('closed');
    expect(await statuses(f)).toEqual(['dead:1', 'dead:1', 'dead:1', 'succeeded:1']);
  });
});
