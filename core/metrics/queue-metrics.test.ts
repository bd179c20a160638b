import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildMessage } from '../delivery/new-message.ts';
import { AGENCY_A, AGENCY_B, smsBody } from '../http/app-fixture.test-helper.ts';
import { type MetricsGateway, find, openMetricsGateway, valueOf } from './metrics-fixture.test-helper.ts';

let gateway: MetricsGateway;
beforeEach(async () => {
  gateway = await openMetricsGateway();
});
afterEach(async () => {
  await gateway.dispose();
});

async function sendSms(agency: string): Promise<void> {
  const response = await gateway.request('/v1/sms/send', { body: smsBody({ agency }) });
  expect(response.status).toBe(202);
}

describe('message and queue gauges', () => {
  it('start at zero for every configured capability and instance', async () => {
    const exposition = await gateway.scrape();
    for (const capability of ['sms', 'payment']) {
      for (const status of ['queued', 'processing', 'succeeded', 'dead']) expect(valueOf(exposition, 'lienthong_messages', { capability, status })).toBe(0);
    }
    for (const instance of ['sms-a', 'sms-all', 'payment-a']) {
      expect(valueOf(exposition, 'lienthong_queue_depth', { plugin_instance: instance })).toBe(0);
      expect(valueOf(exposition, 'lienthong_oldest_waiting_seconds', { plugin_instance: instance })).toBe(0);
    }
  });

  it('match the store after accepting and failing messages', async () => {
    await sendSms(AGENCY_A);
    await sendSms(AGENCY_A);
    await sendSms(AGENCY_A);
    gateway.clock.t += 60_000;
    await sendSms(AGENCY_B);
    await sendSms(AGENCY_B);
    gateway.clock.t += 30_000;
    expect(await gateway.killDue('sms-a')).toHaveLength(3);
    await gateway.store.claimDue({ instance: 'sms-all', limit: 1, now: gateway.clock.t, leaseOwner: 'test-worker', leaseUntil: gateway.clock.t + 60_000 });

    const exposition = await gateway.scrape();
    const stats = new Map((await gateway.store.queueStats()).map((entry) => [entry.instance, entry]));
    expect(stats.get('sms-a')).toMatchObject({ queued: 0, processing: 0, dead: 3 });
    expect(stats.get('sms-all')).toMatchObject({ queued: 1, processing: 1, dead: 0 });
    expect(valueOf(exposition, 'lienthong_messages', { capability: 'sms', status: 'dead' })).toBe(3);
    expect(valueOf(exposition, 'lienthong_messages', { capability: 'sms', status: 'queued' })).toBe(1);
    expect(valueOf(exposition, 'lienthong_messages', { capability: 'sms', status: 'processing' })).toBe(1);
    expect(valueOf(exposition, 'lienthong_messages', { capability: 'sms', status: 'succeeded' })).toBe(0);
    expect(valueOf(exposition, 'lienthong_queue_depth', { plugin_instance: 'sms-a' })).toBe(0);
    expect(valueOf(exposition, 'lienthong_queue_depth', { plugin_instance: 'sms-all' })).toBe(2);
    expect(valueOf(exposition, 'lienthong_oldest_waiting_seconds', { plugin_instance: 'sms-a' })).toBe(0);
    expect(valueOf(exposition, 'lienthong_oldest_waiting_seconds', { plugin_instance: 'sms-all' })).toBe(30);
    // The gauges sum to what the store holds.
    const total = find(exposition, 'lienthong_messages').reduce((sum, sample) => sum + sample.value, 0);
    expect(total).toBe((await gateway.messages()).length);
  });

  it('follow the store from one scrape to the next', async () => {
    await sendSms(AGENCY_A);
    expect(valueOf(await gateway.scrape(), 'lienthong_queue_depth', { plugin_instance: 'sms-a' })).toBe(1);
    await gateway.killDue('sms-a');
    const exposition = await gateway.scrape();
    expect(valueOf(exposition, 'lienthong_queue_depth', { plugin_instance: 'sms-a' })).toBe(0);
    expect(valueOf(exposition, 'lienthong_messages', { capability: 'sms', status: 'dead' })).toBe(1);
  });

  it('still count messages of an instance no longer configured, under capability `unknown`', async () => {
    const smsA = gateway.context.instances.get('sms-a');
    if (!smsA) throw new Error('no instance sms-a');
    const message = { ...buildMessage(smsA, 'send', smsBody(), gateway.clock.t), instance: 'sms-retired' };
    expect(await gateway.store.accept(message)).toMatchObject({ outcome: 'accepted' });

    const exposition = await gateway.scrape();
    expect(valueOf(exposition, 'lienthong_messages', { capability: 'unknown', status: 'queued' })).toBe(1);
    expect(valueOf(exposition, 'lienthong_messages', { capability: 'sms', status: 'queued' })).toBe(0);
    expect(valueOf(exposition, 'lienthong_queue_depth', { plugin_instance: 'sms-retired' })).toBe(1);
  });

  it('leave out the queue gauges, not the whole scrape, when the store cannot answer', async () => {
    await gateway.store.close();
    const exposition = await gateway.scrape();
    expect(find(exposition, 'lienthong_messages')).toEqual([]);
    expect(find(exposition, 'lienthong_queue_depth')).toEqual([]);
    expect(valueOf(exposition, 'lienthong_circuit_state', { plugin_instance: 'sms-a' })).toBe(0);
  });
});
