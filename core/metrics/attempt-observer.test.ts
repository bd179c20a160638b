import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Fixture, SMS, T0, createFixture } from '../delivery/worker-fixture.test-helper.ts';
import { permanent, retryable } from '../delivery/scripted-plugin.test-helper.ts';
import type { AttemptEvent } from '../delivery/worker-options.ts';
import { DeliveryWorker } from '../delivery/worker.ts';

let fixture: Fixture;
beforeEach(async () => {
  fixture = await createFixture();
});
afterEach(async () => {
  await fixture.dispose();
});

/** Events of the SMS instance only: a dead SMS also queues a `message.dead` webhook, delivered in the same pass. */
const smsEvents = (events: AttemptEvent[]) => events.filter((event) => event.instance === SMS);

const observingWorker = (onAttempt: (event: AttemptEvent) => void) =>
  new DeliveryWorker({ store: fixture.db.store, instances: fixture.instances, log: pino({ level: 'silent' }), clock: { now: fixture.now }, random: () => 0.5, onAttempt, services: fixture.services });

describe('the worker onAttempt hook', () => {
  it('hears each recorded attempt once, with its outcome and provider code', async () => {
    const events: AttemptEvent[] = [];
    const worker = observingWorker((event) => events.push(event));
    await fixture.send('ok');
    await fixture.send('busy');
    await fixture.send('blocked');
    fixture.sms.queueFor('busy', retryable('busy')).queueFor('blocked', permanent('blocked'));
    await worker.deliverDue({ wait: true });

    const sms = smsEvents(events);
    expect(sms.map((event) => event.outcome).sort()).toEqual(['dead', 'retry', 'succeeded']);
    expect(sms).toContainEqual({ instance: SMS, outcome: 'retry', durationMs: 0, providerCode: 'UNAVAILABLE', skipped: false });
    expect(sms).toContainEqual({ instance: SMS, outcome: 'dead', durationMs: 0, providerCode: 'REFUSED', skipped: false });
    expect(sms).toContainEqual({ instance: SMS, outcome: 'succeeded', durationMs: 0, providerCode: undefined, skipped: false });
  });

  it('hears a message closed at max age without running as a skipped dead attempt', async () => {
    const events: AttemptEvent[] = [];
    const worker = observingWorker((event) => events.push(event));
    const message = await fixture.send('late', { expiresAt: T0 + 1_000 });
    fixture.advance(5_000);
    await worker.deliverDue({ wait: true });
    // The message.dead event its outcome queued goes in the next pass.
    await worker.deliverDue({ wait: true });

    expect(fixture.sms.calls).toEqual([]);
    expect((await fixture.row(message.id)).status).toBe('dead');
    expect(smsEvents(events)).toEqual([{ instance: SMS, outcome: 'dead', durationMs: 0, providerCode: undefined, skipped: true }]);
    expect(events).toContainEqual(expect.objectContaining({ instance: 'webhook-ops', outcome: 'succeeded' }));
  });

  it('cannot break delivery by throwing', async () => {
    const worker = observingWorker(() => {
      throw new Error('observer bug');
    });
    const message = await fixture.send('ok');
    await worker.deliverDue({ wait: true });
    expect((await fixture.row(message.id)).status).toBe('succeeded');
  });
});
