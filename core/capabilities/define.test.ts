import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { isoDateTime } from './define.ts';

describe('isoDateTime', () => {
  it('takes real date-times with a zone', () => {
    for (const value of ['2026-11-21T09:30:00+07:00', '2026-02-28T23:59:59.999Z', '2028-02-29T00:00Z', '2026-11-21T09:30:00-14:00']) {
      expect(v.is(isoDateTime, value), value).toBe(true);
    }
  });

  it('refuses dates that do not exist, which Date.parse would roll over, and impossible times or offsets', () => {
    for (const value of ['2026-02-30T10:00:00Z', '2026-02-29T10:00:00Z', '2026-04-31T10:00:00+07:00', '2026-11-21T24:00:00Z', '2026-11-21T23:60:00Z', '2026-11-21T10:00:00+15:00', '2026-13-01T10:00:00Z']) {
      expect(v.is(isoDateTime, value), value).toBe(false);
    }
  });
});
