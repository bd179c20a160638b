import { afterEach, describe, expect, it } from 'vitest';
import { Gate, block, permanent, retryable, succeed } from '../delivery/scripted-plugin.test-helper.ts';
import { AGENCY_A, smsBody } from '../http/app-fixture.test-helper.ts';
import { type MetricsGateway, find, openMetricsGateway, valueOf } from './metrics-fixture.test-helper.ts';

let gateway: MetricsGateway;
afterEach(async () => {
  await gateway.dispose();
});

async function sendSms(): Promise<string> {
  const response = await gateway.request('/v1/sms/send', { body: smsBody({ agency: AGENCY_A }) });
  expect(response.status).toBe(202);
  return ((await response.json()) as { id: string }).id;
}

describe('attempts', () => {
  it('are counted by instance and outcome as the worker records them', async () => {
    gateway = await openMetricsGateway();
    const worker = gateway.worker();
    const zero = await gateway.scrape();
    for (const outcome of ['succeeded', 'retry', 'dead']) expect(valueOf(zero, 'lienthong_attempts_total', { plugin_instance: 'sms-a', outcome })).toBe(0);

    await sendSms();
    await sendSms();
    await sendSms();
    gateway.sms.queue(succeed, retryable(), permanent());
    expect(await worker.deliverDue({ wait: true })).toBe(3);

    let exposition = await gateway.scrape();
    expect(valueOf(exposition, 'lienthong_attempts_total', { plugin_instance: 'sms-a', outcome: 'succeeded' })).toBe(1);
    expect(valueOf(exposition, 'lienthong_attempts_total', { plugin_instance: 'sms-a', outcome: 'retry' })).toBe(1);
    expect(valueOf(exposition, 'lienthong_attempts_total', { plugin_instance: 'sms-a', outcome: 'dead' })).toBe(1);
    expect(valueOf(exposition, 'lienthong_attempts_total', { plugin_instance: 'sms-all', outcome: 'succeeded' })).toBe(0);

    // The retried message goes again once due, and succeeds.
    gateway.clock.t += 10 * 60_000;
    expect(await worker.deliverDue({ wait: true })).toBe(1);
    exposition = await gateway.scrape();
    expect(valueOf(exposition, 'lienthong_attempts_total', { plugin_instance: 'sms-a', outcome: 'succeeded' })).toBe(2);
    expect(valueOf(exposition, 'lienthong_attempt_duration_seconds_count', { plugin_instance: 'sms-a', outcome: 'succeeded' })).toBe(2);
    expect(valueOf(exposition, 'lienthong_messages', { capability: 'sms', status: 'succeeded' })).toBe(2);
    expect(valueOf(exposition, 'lienthong_messages', { capability: 'sms', status: 'dead' })).toBe(1);
    // Provider codes stay out of the labels.
    expect(exposition.text).not.toContain('UNAVAILABLE');
    expect(exposition.text).not.toContain('REFUSED');
  });

  it('are timed from start to outcome on the gateway clock', async () => {
    gateway = await openMetricsGateway();
    const worker = gateway.worker();
    await sendSms();
    const gate = new Gate();
    gateway.sms.queue(block(gate));
    const delivering = worker.deliverDue({ wait: true });
    await gate.reached;
    gateway.clock.t += 1_500;
    gate.release();
    await delivering;

    const exposition = await gateway.scrape();
    const labels = { plugin_instance: 'sms-a', outcome: 'succeeded' };
    expect(valueOf(exposition, 'lienthong_attempt_duration_seconds_sum', labels)).toBe(1.5);
    expect(valueOf(exposition, 'lienthong_attempt_duration_seconds_bucket', { ...labels, le: '1' })).toBe(0);
    expect(valueOf(exposition, 'lienthong_attempt_duration_seconds_bucket', { ...labels, le: '2.5' })).toBe(1);
    expect(find(exposition, 'lienthong_attempt_duration_seconds_bucket', labels).at(-1)?.labels.le).toBe('+Inf');
  });
});

describe('circuit state', () => {
  it('reads 0 closed, 2 open and 1 half-open from each instance breaker', async () => {
    gateway = await openMetricsGateway({
      instances: [
        { id: 'sms-a', plugin: 'test-sms', agencies: [AGENCY_A], delivery: { breakerThreshold: 2, breakerCooldownMs: 30_000 } },
        { id: 'sms-all', plugin: 'test-sms', agencies: ['*'] },
      ],
    });
    const worker = gateway.worker();
    expect(valueOf(await gateway.scrape(), 'lienthong_circuit_state', { plugin_instance: 'sms-a' })).toBe(0);

    await sendSms();
    await sendSms();
    gateway.sms.queue(retryable(), retryable());
    await worker.deliverDue({ wait: true });
    let exposition = await gateway.scrape();
    expect(valueOf(exposition, 'lienthong_circuit_state', { plugin_instance: 'sms-a' })).toBe(2);
    expect(valueOf(exposition, 'lienthong_circuit_state', { plugin_instance: 'sms-all' })).toBe(0);

    gateway.clock.t += 30_000;
    expect(valueOf(await gateway.scrape(), 'lienthong_circuit_state', { plugin_instance: 'sms-a' })).toBe(1);

    // The probe succeeds and closes the circuit.
    await worker.deliverDue({ wait: true });
    exposition = await gateway.scrape();
    expect(valueOf(exposition, 'lienthong_circuit_state', { plugin_instance: 'sms-a' })).toBe(0);
    expect(valueOf(exposition, 'lienthong_attempts_total', { plugin_instance: 'sms-a', outcome: 'retry' })).toBe(2);
    expect(valueOf(exposition, 'lienthong_attempts_total', { plugin_instance: 'sms-a', outcome: 'succeeded' })).toBe(1);
  });
});
