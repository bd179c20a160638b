import { describe, expect, it } from 'vitest';
import { fromTransTime, toTransTime, toVietnamIso } from './vietnam-time.ts';

describe('Vietnam time (UTC+7)', () => {
  it('writes yyyyMMddHHmmss in Vietnam time, across a day and a year boundary', () => {
    expect(toTransTime(new Date('2026-11-21T02:30:05Z'))).toBe('20261121093005');
    expect(toTransTime(new Date('2026-12-31T17:00:00Z'))).toBe('20270101000000');
  });

  it('reads it back, and refuses what is not a real time', () => {
    expect(fromTransTime('20270101000000')?.toISOString()).toBe('2026-12-31T17:00:00.000Z');
    for (const text of ['20261340000000', '20260230120000', '2026112109300', '2026-11-21 09', '']) expect(fromTransTime(text)).toBeUndefined();
  });

  it('writes ISO 8601 in Vietnam time with its offset, to the second', () => {
    expect(toVietnamIso(new Date('2026-11-21T02:30:05.250Z'))).toBe('2026-11-21T09:30:05+07:00');
    expect(toVietnamIso(new Date('2026-12-31T17:00:00Z'))).toBe('2027-01-01T00:00:00+07:00');
  });
});
