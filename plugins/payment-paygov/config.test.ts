import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { Secret } from '../../core/sdk/index.ts';
import { paygovConfigSchema } from './config.ts';

const minimal = { endpoint: 'https://thanhtoan.dvcqg.test', partnerCode: 'UBND_TTHUE', secret: new Secret('not-a-real-secret-0001') };

function problems(input: unknown): string[] {
  const parsed = v.safeParse(paygovConfigSchema, input);
  return parsed.success ? [] : parsed.issues.map((issue) => `${v.getDotPath(issue) ?? ''}: ${issue.message}`);
}

describe('payment-paygov config', () => {
  it('fills in the defaults', () => {
    const parsed = v.parse(paygovConfigSchema, minimal);
    const { secret, ...rest } = parsed;
    expect(rest).toEqual({
      endpoint: 'https://thanhtoan.dvcqg.test',
      initPath: '/api/payment/init',
      queryPath: '/api/payment/query',
      partnerCode: 'UBND_TTHUE',
      paymentType: 'PAY',
      channelCode: '1',
      deviceCode: '1',
      language: 'vi',
      currency: 'VND',
      bankCode: '',
      ip: '127.0.0.1',
      plainDescription: true,
      callbackUrlField: 'UrlCallback',
      returnUrlField: 'UrlReturn',
      paymentUrlField: 'UrlThanhToan',
      queryTime: 'transaction',
      paymentTtlMinutes: 15,
      reconcileAfterMs: 120_000,
      reconcileEveryMs: 60_000,
    });
    expect(secret.reveal()).toBe('not-a-real-secret-0001');
  });

  it('refuses a secret written in the config, without quoting it', () => {
    const found = problems({ ...minimal, secret: 'plain-text-secret' });
    expect(found).toEqual(['secret: must be given as { "env": "NAME" } or { "file": "path" }, never written in the config']);
  });

  it.each([
    ['an endpoint that is not text', { endpoint: 42 }, 'endpoint: endpoint must be a string'],
    ['a relative endpoint', { endpoint: '/api' }, 'endpoint: endpoint must be an absolute http or https URL, e.g. https://thanhtoan.dichvucong.gov.vn'],
    ['a path without /', { initPath: 'init' }, 'initPath: initPath must start with /'],
    ['a short secret', { secret: new Secret('short') }, 'secret: secret is too short'],
    ['a callback field that would replace a signed one', { callbackUrlField: 'MaThamChieu' }, 'callbackUrlField: callbackUrlField must not be a field of the signed INIT message'],
    ['a return field named MaXacThuc', { returnUrlField: 'MaXacThuc' }, 'returnUrlField: returnUrlField must not be a field of the signed INIT message'],
    ['one field for the callback and the return URL', { callbackUrlField: 'Url', returnUrlField: 'Url' }, 'returnUrlField: returnUrlField must differ from callbackUrlField'],
    ['a paymentTtlMinutes that is not whole', { paymentTtlMinutes: 1.5 }, 'paymentTtlMinutes: paymentTtlMinutes must be a whole number'],
    ['an unknown queryTime', { queryTime: 'later' }, 'queryTime: queryTime must be transaction or now'],
  ])('refuses %s', (_, change, message) => {
    expect(problems({ ...minimal, ...change })).toContain(message);
  });

  it.each(['endpoint', 'partnerCode', 'secret'])('names a missing %s', (key) => {
    const { [key as keyof typeof minimal]: _, ...rest } = minimal;
    expect(problems(rest)).toEqual([`${key}: ${key} is required`]);
  });

  it('accepts an empty callback field, for a platform that keeps the URL per partner', () => {
    expect(v.parse(paygovConfigSchema, { ...minimal, callbackUrlField: '', returnUrlField: '' })).toMatchObject({ callbackUrlField: '', returnUrlField: '' });
  });

  it('names the plugin when the config is no object', () => {
    expect(problems(null)).toEqual([': the payment-paygov config must be an object']);
  });
});
