import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AGENCY_A, smsBody } from '../http/app-fixture.test-helper.ts';
import { type MetricsGateway, find, openMetricsGateway, valueOf } from './metrics-fixture.test-helper.ts';

let gateway: MetricsGateway;
beforeEach(async () => {
  gateway = await openMetricsGateway();
});
afterEach(async () => {
  await gateway.dispose();
});

const REQUESTS = 'lienthong_http_requests_total';
const DURATION = 'lienthong_http_request_duration_seconds';

async function sendSms(): Promise<string> {
  const response = await gateway.request('/v1/sms/send', { body: smsBody() });
  expect(response.status).toBe(202);
  return ((await response.json()) as { id: string }).id;
}

describe('GET /metrics', () => {
  it('answers without a key, in the text format, with the Node process metrics', async () => {
    const exposition = await gateway.scrape();
    expect(find(exposition, 'process_cpu_user_seconds_total')).toHaveLength(1);
    expect(find(exposition, 'nodejs_heap_size_used_bytes')).toHaveLength(1);
    expect(exposition.text).toContain('# TYPE lienthong_http_request_duration_seconds histogram');
  });
});

describe('HTTP requests', () => {
  it('counts requests by route pattern, never by path', async () => {
    const first = await sendSms();
    const second = await sendSms();
    expect((await gateway.request(`/v1/messages/${first}`)).status).toBe(200);
    expect((await gateway.request(`/admin/v1/messages/${second}`, { token: gateway.operator.token })).status).toBe(200);
    expect((await gateway.request('/healthz', { token: null })).status).toBe(200);

    const exposition = await gateway.scrape();
    expect(valueOf(exposition, REQUESTS, { method: 'POST', route: '/v1/:capability/:operation', status: '202' })).toBe(2);
    expect(valueOf(exposition, REQUESTS, { method: 'GET', route: '/v1/messages/:id', status: '200' })).toBe(1);
    expect(valueOf(exposition, REQUESTS, { method: 'GET', route: '/admin/v1/messages/:id', status: '200' })).toBe(1);
    expect(valueOf(exposition, REQUESTS, { method: 'GET', route: '/healthz', status: '200' })).toBe(1);
    // No message id, agency code or phone number anywhere: not in labels, not in help texts.
    for (const secret of [first, second, AGENCY_A, String(smsBody().to)]) expect(exposition.text).not.toContain(secret);
  });

  it('names the route a middleware refused for, and `unmatched` for an unknown path', async () => {
    expect((await gateway.request('/v1/sms/send', { body: smsBody(), token: null })).status).toBe(401);
    expect((await gateway.request('/v1/messages/01JNZ0000000000000000000', { token: 'lt_wrong' })).status).toBe(401);
    expect((await gateway.request(`/no/such/${AGENCY_A}`, { token: null })).status).toBe(404);
    expect((await gateway.request('/v1/sms/send', { method: 'DELETE' })).status).toBe(404);

    const exposition = await gateway.scrape();
    expect(valueOf(exposition, REQUESTS, { method: 'POST', route: '/v1/:capability/:operation', status: '401' })).toBe(1);
    expect(valueOf(exposition, REQUESTS, { method: 'GET', route: '/v1/messages/:id', status: '401' })).toBe(1);
    expect(valueOf(exposition, REQUESTS, { method: 'GET', route: 'unmatched', status: '404' })).toBe(1);
    expect(valueOf(exposition, REQUESTS, { method: 'DELETE', route: 'unmatched', status: '404' })).toBe(1);
    const routes = new Set(find(exposition, REQUESTS).map((sample) => sample.labels.route));
    expect([...routes].sort()).toEqual(['/v1/:capability/:operation', '/v1/messages/:id', 'unmatched']);
  });

  it('times requests in a histogram with cumulative buckets', async () => {
    await sendSms();
    await sendSms();
    await sendSms();

    const exposition = await gateway.scrape();
    const labels = { method: 'POST', route: '/v1/:capability/:operation', status: '202' };
    const buckets = find(exposition, `${DURATION}_bucket`, labels);
    expect(buckets.map((bucket) => bucket.labels.le)).toEqual(['0.001', '0.0025', '0.005', '0.01', '0.025', '0.05', '0.1', '0.25', '0.5', '1', '2.5', '5', '10', '+Inf']);
    const counts = buckets.map((bucket) => bucket.value);
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
    expect(counts.at(-1)).toBe(3);
    expect(valueOf(exposition, `${DURATION}_count`, labels)).toBe(3);
    expect(valueOf(exposition, REQUESTS, labels)).toBe(3);
    expect(valueOf(exposition, `${DURATION}_sum`, labels)).toBeGreaterThan(0);
  });

  it('counts a request the app failed on as a 500 of its route', async () => {
    await gateway.store.close();
    const response = await gateway.request('/v1/sms/send', { body: smsBody() });
    expect(response.status).toBe(500);

    const exposition = await gateway.scrape();
    expect(valueOf(exposition, REQUESTS, { method: 'POST', route: '/v1/:capability/:operation', status: '500' })).toBe(1);
  });
});
