import { describe, expect, it } from 'vitest';
import { isoFromVietnamTimestamp, vietnamTimestamp } from './time.ts';

describe('ThoiGianGD', () => {
  it('is Vietnam time (UTC+7), whatever the process zone', () => {
    expect(vietnamTimestamp(new Date('2026-11-21T02:30:05Z'))).toBe('20261121093005');
    // 17:00 UTC is already the next day in Hanoi, and the year turns over too.
    expect(vietnamTimestamp(new Date('2026-12-31T17:00:00.999Z'))).toBe('20270101000000');
  });

  it('reads back as an ISO time with the +07:00 offset', () => {
    expect(isoFromVietnamTimestamp('20261121093005')).toBe('2026-11-21T09:30:05+07:00');
    expect(Date.parse(isoFromVietnamTimestamp('20270101000000') ?? '')).toBe(Date.parse('2026-12-31T17:00:00Z'));
  });

  it.each(['', '2026112109300', '202611210930051', '20260231093000', '20261121253000', '2026-11-21'])('refuses %j', (text) => {
    expect(isoFromVietnamTimestamp(text)).toBeUndefined();
  });
});
