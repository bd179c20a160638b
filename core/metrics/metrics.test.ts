import { afterEach, describe, expect, it } from 'vitest';
import { retryable } from '../delivery/scripted-plugin.test-helper.ts';
import { smsBody } from '../http/app-fixture.test-helper.ts';
import { type MetricsGateway, find, openMetricsGateway, parseExposition, valueOf } from './metrics-fixture.test-helper.ts';

const gateways: MetricsGateway[] = [];
afterEach(async () => {
  await Promise.all(gateways.splice(0).map((gateway) => gateway.dispose()));
});

async function open(): Promise<MetricsGateway> {
  const gateway = await openMetricsGateway();
  gateways.push(gateway);
  return gateway;
}

describe('a registry per gateway', () => {
  it('keeps two gateways in one process apart', async () => {
    const first = await open();
    const second = await open();
    expect(first.metrics.registry).not.toBe(second.metrics.registry);

    expect((await first.request('/v1/sms/send', { body: smsBody() })).status).toBe(202);
    first.sms.queue(retryable());
    await first.worker().deliverDue({ wait: true });
    first.clock.t += 60_000;

    const one = await first.scrape();
    const other = await second.scrape();
    const accepted = { method: 'POST', route: '/v1/:capability/:operation', status: '202' };
    expect(valueOf(one, 'lienthong_http_requests_total', accepted)).toBe(1);
    expect(find(other, 'lienthong_http_requests_total', accepted)).toEqual([]);
    expect(valueOf(one, 'lienthong_attempts_total', { plugin_instance: 'sms-a', outcome: 'retry' })).toBe(1);
    expect(valueOf(other, 'lienthong_attempts_total', { plugin_instance: 'sms-a', outcome: 'retry' })).toBe(0);
    expect(valueOf(one, 'lienthong_queue_depth', { plugin_instance: 'sms-a' })).toBe(1);
    expect(valueOf(other, 'lienthong_queue_depth', { plugin_instance: 'sms-a' })).toBe(0);
    expect(valueOf(one, 'lienthong_oldest_waiting_seconds', { plugin_instance: 'sms-a' })).toBe(60);
    // The process metrics describe the one process both live in.
    expect(find(one, 'process_start_time_seconds')).toEqual(find(other, 'process_start_time_seconds'));
  });
});

describe('the exposition check the tests rely on', () => {
  const valid = '# HELP up Whether it is up.\n# TYPE up gauge\nup{plugin_instance="sms-a",note="a \\"quoted\\" word"} 1\n';

  it('reads a well-formed text', () => {
    expect(parseExposition(valid)).toEqual([{ name: 'up', labels: { plugin_instance: 'sms-a', note: 'a "quoted" word' }, value: 1 }]);
  });

  it.each([
    ['a sample without a value', '# TYPE up gauge\nup{plugin_instance="a"}\n'],
    ['a sample of an undeclared family', '# TYPE up gauge\ndown 1\n'],
    ['labels without quotes', '# TYPE up gauge\nup{plugin_instance=a} 1\n'],
    ['a value that is not a number', '# TYPE up gauge\nup one\n'],
    ['an unknown comment', '# TYPE up gauge\n# NOTE x\nup 1\n'],
  ])('refuses %s', (_, text) => {
    expect(() => parseExposition(text)).toThrow();
  });
});
