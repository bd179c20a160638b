import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { httpUrlField, instanceConfig, wholeNumberField } from '../config-fields.ts';
import { Secret, secret } from '../secret.ts';
import { testConfig } from './config.ts';

const plugin = {
  id: 'sms-example',
  configSchema: instanceConfig('sms-example', {
    endpoint: httpUrlField('endpoint'),
    password: secret(v.pipe(v.string(), v.nonEmpty('password must not be empty'))),
    maxSegments: v.optional(wholeNumberField('maxSegments', 1, 10), 5),
    tags: v.optional(v.array(v.string()), ['a', 'b']),
    paths: v.optional(v.object({ send: v.optional(v.string(), '/send'), balance: v.optional(v.string(), '/balance') }), {}),
    timeoutMs: v.optional(wholeNumberField('timeoutMs', 1, 120_000)),
  }),
};
const required = { endpoint: 'http://sms.example.test', password: new Secret('not-a-real-password') };

function messageOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof Error) return error.message;
  }
  throw new Error('expected an Error');
}

describe('testConfig', () => {
  it('fills in the defaults from the schema', () => {
    const config = testConfig(plugin, required);
    expect(config).toEqual({ ...required, maxSegments: 5, tags: ['a', 'b'], paths: { send: '/send', balance: '/balance' } });
    expect(config.password).toBe(required.password);
  });

  it('applies overrides after the required fields: a section field by field, a list whole', () => {
    const config = testConfig(plugin, required, { maxSegments: 3, tags: ['c'], paths: { send: '/v2/send' } }, { timeoutMs: 100 });
    expect(config).toMatchObject({ maxSegments: 3, tags: ['c'], paths: { send: '/v2/send', balance: '/balance' }, timeoutMs: 100 });
  });

  it('leaves out a field set to undefined', () => {
    expect(() => testConfig(plugin, required, { endpoint: undefined })).toThrow("test config of plugin 'sms-example' refused by its schema: endpoint: endpoint is required");
    expect(testConfig(plugin, required, { timeoutMs: 100 }, { timeoutMs: undefined })).not.toHaveProperty('timeoutMs');
  });

  it("fails with the schema's message naming the field, never quoting a secret", () => {
    expect(() => testConfig(plugin, required, { maxSegments: 11 })).toThrow('maxSegments: maxSegments must be at most 10');
    const written: Record<string, unknown> = { ...required, password: 'plain-text-password' };
    const refusal = messageOf(() => testConfig(plugin, written));
    expect(refusal).toContain('password: must be given as');
    expect(refusal).not.toContain('plain-text-password');
  });
});
