import { randomBytes } from 'node:crypto';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { Secret } from '../../core/sdk/index.ts';
import { viettelConfigSchema } from './config.ts';
import plugin from './index.ts';

const password = randomBytes(12).toString('base64url');
const valid = {
  endpoint: 'http://ams.tinnhanthuonghieu.vn:8009/bulkapi',
  user: 'ubnd_tthue',
  password: new Secret(password),
  cpCode: 'UBNDTTHUE',
  brandname: 'UBND-TTHUE',
};

const issuesOf = (config: unknown) =>
  (v.safeParse(viettelConfigSchema, config).issues ?? []).map((issue) => ({ path: v.getDotPath(issue), message: issue.message }));

describe('sms-viettel config', () => {
  it('fills the defaults: bulksms, content types 0 and 1, at most 5 segments', () => {
    expect(v.parse(viettelConfigSchema, valid)).toEqual({
      ...valid,
      commandCode: 'bulksms',
      contentTypePlain: '0',
      contentTypeUnicode: '1',
      maxSegments: 5,
      requestIdOffset: 0,
    });
  });

  it('keeps what the instance sets, the unconfirmed content types included', () => {
    const config = { ...valid, commandCode: 'BULKSMS', contentTypePlain: 'F', contentTypeUnicode: '8', maxSegments: 3, requestIdOffset: 1_000_000_000_000, timeoutMs: 8000 };
    expect(v.parse(viettelConfigSchema, config)).toEqual(config);
  });

  it('names every missing field', () => {
    expect(issuesOf({})).toEqual([
      { path: 'endpoint', message: 'endpoint is required' },
      { path: 'user', message: 'user is required' },
      { path: 'password', message: 'password is required' },
      { path: 'cpCode', message: 'cpCode is required' },
      { path: 'brandname', message: 'brandname is required' },
    ]);
  });

  it.each([
    ['endpoint', 'ams.tinnhanthuonghieu.vn:8009/bulkapi', /^endpoint must be an absolute http or https URL/],
    ['user', '  ', /^user must not be empty$/],
    ['brandname', 'UBND-THUA-THIEN-HUE', /^brandname is at most 11 characters$/],
    ['maxSegments', 0, /^maxSegments must be at least 1$/],
    ['maxSegments', 11, /^maxSegments must be at most 10$/],
    ['maxSegments', 2.5, /^maxSegments must be a whole number$/],
    ['timeoutMs', 0, /^timeoutMs must be at least 1$/],
  ])('refuses %s = %j, naming the field', (field, value, message) => {
    const issues = issuesOf({ ...valid, [field]: value });
    expect(issues).toHaveLength(1);
    expect(issues[0]?.path).toBe(field);
    expect(issues[0]?.message).toMatch(message);
  });

  it('refuses a password written in the config instead of read from the environment or a file', () => {
    expect(issuesOf({ ...valid, password })).toEqual([
      { path: 'password', message: 'must be given as { "env": "NAME" } or { "file": "path" }, never written in the config' },
    ]);
  });

  it('refuses an empty password without quoting anything', () => {
    expect(issuesOf({ ...valid, password: new Secret('') })).toEqual([{ path: 'password', message: 'password must not be empty' }]);
  });
});

describe('sms-viettel plugin', () => {
  it('declares the sms capability, send with prepare, a health check and a simulator', () => {
    expect(plugin).toMatchObject({ id: 'sms-viettel', capability: 'sms' });
    expect(typeof plugin.operations.send.prepare).toBe('function');
    expect(typeof plugin.health).toBe('function');
    expect(typeof plugin.simulator?.start).toBe('function');
  });

  it('gives a sandbox config its own schema accepts, pointing at the simulator, the password as a Secret', () => {
    const config = plugin.simulator?.sandboxConfig('http://127.0.0.1:4020');
    expect(config?.password).toBeInstanceOf(Secret);
    expect(JSON.stringify(config)).not.toContain((config?.password as Secret).reveal());
    expect(v.parse(viettelConfigSchema, config)).toMatchObject({ endpoint: 'http://127.0.0.1:4020/bulkapi', commandCode: 'bulksms' });
  });

  it('makes the sandbox credentials once per process', () => {
    const first = plugin.simulator?.sandboxConfig('http://127.0.0.1:1');
    const second = plugin.simulator?.sandboxConfig('http://127.0.0.1:2');
    expect((first?.password as Secret).reveal()).toBe((second?.password as Secret).reveal());
    expect(first?.user).toBe(second?.user);
  });
});
