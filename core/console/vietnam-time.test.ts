import { describe, expect, it } from 'vitest';
import { formatAge, formatVietnamTime, parseVietnamInput, toVietnamInput } from './vietnam-time.ts';

describe('Vietnam time', () => {
  it('reads an instant as dd/MM/yyyy HH:mm:ss at UTC+7', () => {
    expect(formatVietnamTime(Date.parse('2026-03-01T17:05:09Z'))).toBe('02/03/2026 00:05:09');
    expect(formatVietnamTime(null)).toBe('—');
  });

  it('takes a datetime-local value as Vietnam time, and gives one back', () => {
    const ms = parseVietnamInput('2026-03-01T08:00');
    expect(ms).toBe(Date.parse('2026-03-01T08:00:00+07:00'));
    expect(toVietnamInput(ms as number)).toBe('2026-03-01T08:00');
    expect(parseVietnamInput('2026-03-01T08:00:30')).toBe(Date.parse('2026-03-01T08:00:30+07:00'));
    for (const bad of ['2026-02-31T08:00', '2026-03-01', 'yesterday', '2026-03-01T24:00']) expect(parseVietnamInput(bad), bad).toBeUndefined();
  });

  it('says how old something is in the largest units that matter', () => {
    expect([45_000, 12 * 60_000, 185 * 60_000, 50 * 3_600_000].map(formatAge)).toEqual(['45 s', '12 min', '3 h 5 min', '2 d 2 h']);
  });
});
