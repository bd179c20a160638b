import { afterEach, describe, expect, it } from 'vitest';
import { fromPortalTime, toPortalTime } from './dates.ts';

const zoneBefore = process.env.TZ;
afterEach(() => {
  if (zoneBefore === undefined) delete process.env.TZ;
  else process.env.TZ = zoneBefore;
});

describe('portal dates', () => {
  it.each([
    ['2026-11-21T09:30:00+07:00', '20261121093000'],
    ['2026-11-21T02:30:00Z', '20261121093000'],
    // Near midnight UTC: already the next day in Vietnam.
    ['2026-11-21T23:30:15Z', '20261122063015'],
    ['2026-12-31T17:00:00Z', '20270101000000'],
    ['2026-12-31T16:59:59.999Z', '20261231235959'],
    ['2026-11-21T09:30:00-05:00', '20261121213000'],
    ['2024-02-28T20:00:00Z', '20240229030000'],
  ])('sends %s as %s', (iso, portal) => {
    expect(toPortalTime(iso)).toBe(portal);
  });

  it.each(['America/New_York', 'Asia/Tokyo', 'UTC', 'Pacific/Kiritimati', 'Asia/Ho_Chi_Minh'])('gives the same answer with the server in %s', (zone) => {
    process.env.TZ = zone;
    // The zone really is in effect for the process's Date.
    expect(new Date('2026-07-01T00:00:00Z').getTimezoneOffset() + offsetMinutes(zone)).toBe(0);
    expect(toPortalTime('2026-11-21T23:30:15Z')).toBe('20261122063015');
    expect(toPortalTime('2026-07-01T00:00:00+07:00')).toBe('20260701000000');
  });

  it('reads a portal date back with the +07:00 offset and refuses dates that do not exist', () => {
    expect(fromPortalTime('20261122063015')).toBe('2026-11-22T06:30:15+07:00');
    expect(fromPortalTime('20260230120000')).toBeUndefined();
    expect(fromPortalTime('20261122246000')).toBeUndefined();
    expect(fromPortalTime('2026-11-22')).toBeUndefined();
  });
});

/** The zone's offset east of UTC on 1 July 2026, from Intl (independent of the code under test). */
function offsetMinutes(zone: string): number {
  const name = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' })
    .formatToParts(new Date('2026-07-01T00:00:00Z'))
    .find((part) => part.type === 'timeZoneName')?.value;
  const match = /GMT([+-])(\d{2}):(\d{2})/.exec(name ?? '');
  if (!match) return 0;
  return (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3]));
}
