import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { Secret } from '../../core/sdk/index.ts';
import { portalConfigSchema, unitCodeOf } from './config.ts';

const minimal = {
  adapterUrl: 'https://adapter.portal.test',
  authPath: '/api/auth/login',
  integrationPath: '/api/integration',
  username: 'ubnd_tthue',
  password: new Secret('made-up'),
  dstcode: '000.00.01.H22',
};

describe('national-portal config', () => {
  it('fills in the defaults', () => {
    expect(v.parse(portalConfigSchema, minimal)).toMatchObject({
      unitCodes: {},
      progressBatchSize: 20,
      progressBatchWindowMs: 5,
      existsCodes: ['3', '-3'],
      sessionRejectedCodes: ['-2', '401'],
    });
  });

  it.each([
    ['a password written in the file', { password: 'plain' }, 'password'],
    ['a relative adapterUrl', { adapterUrl: 'adapter.portal.test' }, 'adapterUrl'],
    ['a path without /', { authPath: 'login' }, 'authPath'],
    ['a batch size of 0', { progressBatchSize: 0 }, 'progressBatchSize'],
  ])('refuses %s, naming the field and not quoting it', (_, change, field) => {
    const parsed = v.safeParse(portalConfigSchema, { ...minimal, ...change });
    expect(parsed.success).toBe(false);
    expect(parsed.issues?.map((issue) => v.getDotPath(issue))).toContain(field);
    expect(JSON.stringify(parsed.issues?.map((issue) => issue.message))).not.toContain('plain');
  });

  it('says which field is missing', () => {
    const { dstcode: _dstcode, ...rest } = minimal;
    expect(v.safeParse(portalConfigSchema, rest).issues?.[0]?.message).toBe('dstcode is required');
  });

  it('sends the configured unit code as madonvi, else the agency code', () => {
    const config = v.parse(portalConfigSchema, { ...minimal, unitCodes: { '000.00.02.H22': 'H22.02' } });
    expect(unitCodeOf(config, '000.00.02.H22')).toBe('H22.02');
    expect(unitCodeOf(config, '000.00.01.H22')).toBe('000.00.01.H22');
  });
});
