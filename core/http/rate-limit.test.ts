import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../config/config-error.ts';
import { loadConfig } from '../config/load.ts';
import { createApp } from './app.ts';
import { AGENCY_A, type TestGateway, expectProblem, openTestGateway, smsBody } from './app-fixture.test-helper.ts';
import { type KeyRateLimit, KeyBuckets } from './rate-limit.ts';

describe('KeyBuckets', () => {
  it('lets a burst through, then asks to wait until a token is back', () => {
    const buckets = new KeyBuckets({ requestsPerSecond: 2, burst: 3 });
    expect([0, 1, 2].map(() => buckets.take('key_a', 1_000))).toEqual([0, 0, 0]);
    expect(buckets.take('key_a', 1_000)).toBe(500);
    expect(buckets.take('key_a', 1_250)).toBe(250);
    expect(buckets.take('key_a', 1_500)).toBe(0);
    expect(buckets.take('key_a', 1_500)).toBe(500);
  });

  it('refills at the rate up to the burst, never beyond', () => {
    const buckets = new KeyBuckets({ requestsPerSecond: 10, burst: 5 });
    for (let i = 0; i < 5; i++) buckets.take('key_a', 0);
    // An hour later: 5 tokens, not 36 000.
    const later = 3_600_000;
    expect(Array.from({ length: 6 }, () => buckets.take('key_a', later))).toEqual([0, 0, 0, 0, 0, 100]);
  });

  it('keeps one bucket per key', () => {
    const buckets = new KeyBuckets({ requestsPerSecond: 1, burst: 1 });
    expect(buckets.take('key_a', 0)).toBe(0);
    expect(buckets.take('key_a', 0)).toBe(1_000);
    expect(buckets.take('key_b', 0)).toBe(0);
  });

  it('limits nothing at 0 requests per second', () => {
    const buckets = new KeyBuckets({ requestsPerSecond: 0, burst: 1 });
    expect(Array.from({ length: 1_000 }, () => buckets.take('key_a', 0)).every((wait) => wait === 0)).toBe(true);
    expect(buckets.size).toBe(0);
  });

  it('gains nothing from a clock stepped back', () => {
    const buckets = new KeyBuckets({ requestsPerSecond: 1, burst: 1 });
    expect(buckets.take('key_a', 10_000)).toBe(0);
    expect(buckets.take('key_a', 5_000)).toBe(1_000);
    expect(buckets.take('key_a', 11_000)).toBe(0);
  });

  it('forgets idle keys rather than grow without bound', () => {
    const buckets = new KeyBuckets({ requestsPerSecond: 1, burst: 2 }, 3);
    for (const key of ['key_a', 'key_b', 'key_c']) buckets.take(key, 0);
    // key_a, key_b and key_c are full again by t = 1 s: a fourth key makes room by forgetting them.
    expect(buckets.take('key_d', 1_000)).toBe(0);
    expect(buckets.size).toBe(1);
    // All busy: the oldest goes, so the map never passes its bound.
    for (const key of ['key_e', 'key_f']) buckets.take(key, 1_000);
    buckets.take('key_g', 1_000);
    expect(buckets.size).toBe(3);
  });

  it('forgets, a minute on, the keys whose buckets are full again, so the map shrinks back after a burst of keys', () => {
    const buckets = new KeyBuckets({ requestsPerSecond: 1, burst: 2 });
    for (let i = 0; i < 1_000; i++) buckets.take(`key_${i}`, 0);
    expect(buckets.size).toBe(1_000);
    buckets.take('key_0', 30_000);
    expect(buckets.size).toBe(1_000);
    buckets.take('key_late', 60_000);
    expect(buckets.size).toBe(1);
  });
});

describe('the per-key rate limit on the API', () => {
  let gateway: TestGateway;
  beforeEach(async () => {
    gateway = await openTestGateway();
  });
  afterEach(async () => {
    await gateway.dispose();
  });

  /** The fixture's app again, over the same store, keys and hand-moved clock, with another per-key limit. */
  function limited(keyRateLimit: KeyRateLimit, sandbox?: { simulators: Record<string, string> }) {
    const app = createApp({ ...gateway.context, config: { ...gateway.context.config, keyRateLimit }, ...(sandbox ? { sandbox } : {}) });
    return (path: string, token: string | null, body?: unknown) =>
      app.request(path, {
        method: body === undefined ? 'GET' : 'POST',
        headers: { ...(token === null ? {} : { authorization: `Bearer ${token}` }), 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
  }

  it('answers 429 problem+json with Retry-After once a key spends its burst, and stores nothing for it', async () => {
    const request = limited({ requestsPerSecond: 1, burst: 2 });
    const token = gateway.client.token;
    expect((await request('/v1/sms/send', token, smsBody())).status).toBe(202);
    expect((await request('/v1/sms/send', token, smsBody())).status).toBe(202);

    const refused = await request('/v1/sms/send', token, smsBody({ text: 'one too many' }));
    const problem = await expectProblem(refused, 429, 'too-many-requests');
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(problem.detail).toBe('this API key is over its limit of 1 requests per second');
    expect(problem.instance).toMatch(/^urn:lienthong:request:/);
    expect(await gateway.messages()).toHaveLength(2);

    // Reads count too, and Retry-After is what it says: one second later the key gets through.
    await expectProblem(await request('/v1/messages/msg_01JNOTHEREATALL00000000000', token), 429, 'too-many-requests');
    gateway.clock.t += 1_000;
    expect((await request('/v1/sms/send', token, smsBody())).status).toBe(202);
  });

  it('rounds Retry-After up to whole seconds', async () => {
    const request = limited({ requestsPerSecond: 0.4, burst: 1 });
    expect((await request('/v1/sms/send', gateway.client.token, smsBody())).status).toBe(202);
    const refused = await request('/v1/sms/send', gateway.client.token, smsBody());
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('3');
  });

  it('limits each key on its own', async () => {
    const request = limited({ requestsPerSecond: 1, burst: 1 });
    const other = await gateway.newKey('client', [AGENCY_A]);
    expect((await request('/v1/sms/send', gateway.client.token, smsBody())).status).toBe(202);
    expect((await request('/v1/sms/send', gateway.client.token, smsBody())).status).toBe(429);
    expect((await request('/v1/sms/send', other.token, smsBody())).status).toBe(202);
  });

  it('limits operator keys on /admin/v1 too', async () => {
    const request = limited({ requestsPerSecond: 1, burst: 1 });
    expect((await request('/admin/v1/instances', gateway.operator.token)).status).toBe(200);
    const refused = await request('/admin/v1/messages', gateway.operator.token);
    await expectProblem(refused, 429, 'too-many-requests');
    expect(refused.headers.get('retry-after')).toBe('1');
  });

  it('comes after authentication: a request without a valid key gets 401 and spends no budget', async () => {
    const request = limited({ requestsPerSecond: 1, burst: 1 });
    for (let i = 0; i < 3; i++) {
      await expectProblem(await request('/v1/sms/send', null, smsBody()), 401, 'unauthorized');
      await expectProblem(await request('/v1/sms/send', 'lt_cl_not-a-key-anyone-was-given', smsBody()), 401, 'unauthorized');
    }
    // A client key on an admin endpoint is refused by role before the limit counts it.
    await expectProblem(await request('/admin/v1/messages', gateway.client.token), 403, 'forbidden');
    expect((await request('/v1/sms/send', gateway.client.token, smsBody())).status).toBe(202);
  });

  it('limits nothing when the rate is 0', async () => {
    const request = limited({ requestsPerSecond: 0, burst: 1 });
    const answers = await Promise.all(Array.from({ length: 30 }, () => request('/admin/v1/instances', gateway.operator.token)));
    expect(answers.map((answer) => answer.status)).toEqual(Array(30).fill(200));
  });
});

describe('limits.requestsPerSecondPerKey in the config', () => {
  const config = (limits?: Record<string, unknown>) => loadConfig({ agencies: [{ code: AGENCY_A }], ...(limits ? { limits } : {}) }, [], {});

  it('is generous by default: 200 a second, bursts of 400', () => {
    expect(config().keyRateLimit).toEqual({ requestsPerSecond: 200, burst: 400 });
    expect(config({ bodyBytes: 1024 }).keyRateLimit).toEqual({ requestsPerSecond: 200, burst: 400 });
  });

  it('takes a rate, and a burst that defaults to twice the rate', () => {
    expect(config({ requestsPerSecondPerKey: 10 }).keyRateLimit).toEqual({ requestsPerSecond: 10, burst: 20 });
    expect(config({ requestsPerSecondPerKey: 0.2 }).keyRateLimit).toEqual({ requestsPerSecond: 0.2, burst: 1 });
    expect(config({ requestsPerSecondPerKey: 10, burstPerKey: 15 }).keyRateLimit).toEqual({ requestsPerSecond: 10, burst: 15 });
    expect(config({ requestsPerSecondPerKey: 0 }).keyRateLimit.requestsPerSecond).toBe(0);
  });

  it('refuses a negative rate or a burst below 1, naming the field', () => {
    expect(() => config({ requestsPerSecondPerKey: -1 })).toThrow(ConfigError);
    expect(() => config({ requestsPerSecondPerKey: -1 })).toThrow(/limits\.requestsPerSecondPerKey/);
    expect(() => config({ burstPerKey: 0 })).toThrow(/limits\.burstPerKey/);
  });
});
