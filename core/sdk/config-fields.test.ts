import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { httpUrlField, instanceConfig, pathField, textField, wholeNumberField } from './config-fields.ts';

const messages = (schema: v.GenericSchema, value: unknown) => {
  const parsed = v.safeParse(schema, value);
  return parsed.success ? [] : parsed.issues.map((issue) => issue.message);
};

describe('config field builders', () => {
  it('name the field in every message and never quote the value', () => {
    const secretLooking = 'hunter2-secret-value';
    for (const [schema, value] of [
      [textField('user', 5), secretLooking],
      [wholeNumberField('timeoutMs', 1, 10), secretLooking],
      [httpUrlField('endpoint'), secretLooking],
      [pathField('authPath'), secretLooking],
    ] as const) {
      const found = messages(schema, value);
      expect(found.length).toBeGreaterThan(0);
      for (const message of found) {
        expect(message).toMatch(/^(user|timeoutMs|endpoint|authPath) /);
        expect(message).not.toContain(secretLooking);
      }
    }
  });

  it('check text, whole numbers, URLs and paths', () => {
    expect(v.parse(textField('user'), '  cp_hue  ')).toBe('cp_hue');
    expect(messages(textField('user'), '   ')).toEqual(['user must not be empty']);
    expect(messages(wholeNumberField('n', 1, 10), 1.5)).toEqual(['n must be a whole number']);
    expect(messages(wholeNumberField('n', 1, 10), 11)).toEqual(['n must be at most 10']);
    expect(v.parse(httpUrlField('endpoint'), 'https://sms.example.vn/bulkapi')).toBe('https://sms.example.vn/bulkapi');
    expect(messages(httpUrlField('endpoint', 'http://host/x'), 'ftp://host/x')).toEqual(['endpoint must be an absolute http or https URL, e.g. http://host/x']);
    expect(messages(pathField('authPath'), 'api/login')).toEqual(['authPath must start with /']);
  });

  it('name a missing field, and the plugin when the config is not an object', () => {
    const schema = instanceConfig('sms-test', { endpoint: httpUrlField('endpoint') });
    expect(messages(schema, {})).toEqual(['endpoint is required']);
    expect(messages(schema, 'oops')).toEqual(['the sms-test config must be an object']);
    expect(messages(schema, { endpoint: 'https://sms.example.vn', endpiont: 'typo' })).toEqual(['endpiont is not a sms-test setting']);
  });
});
