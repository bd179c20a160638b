/**
 * The portal's dates: `yyyyMMddHHmmss`, 24-hour, in Vietnam time. Vietnam keeps UTC+7 all year (no daylight
 * saving since 1975), so a fixed offset is exact and the server's own time zone never enters the computation.
 */
const VIETNAM_OFFSET_MS = 7 * 60 * 60 * 1000;

const two = (n: number) => String(n).padStart(2, '0');

/** An ISO 8601 date-time with an offset (as the capability's schema requires) as the portal writes it. */
export function toPortalTime(iso: string): string {
  const instant = Date.parse(iso);
  if (Number.isNaN(instant)) throw new RangeError('not an ISO 8601 date-time');
  const local = new Date(instant + VIETNAM_OFFSET_MS);
  return (
    String(local.getUTCFullYear()).padStart(4, '0') +
    two(local.getUTCMonth() + 1) +
    two(local.getUTCDate()) +
    two(local.getUTCHours()) +
    two(local.getUTCMinutes()) +
    two(local.getUTCSeconds())
  );
}

/** Optional dates stay absent rather than becoming an empty string. */
export function toPortalTimeOrUndefined(iso: string | undefined): string | undefined {
  return iso === undefined ? undefined : toPortalTime(iso);
}

const PORTAL_TIME = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/;

/** A portal date back to ISO 8601 with the +07:00 offset, or undefined when it is not a real `yyyyMMddHHmmss`. */
export function fromPortalTime(text: string): string | undefined {
  const match = PORTAL_TIME.exec(text);
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second] = match.map(Number) as [number, number, number, number, number, number, number];
  const utc = Date.UTC(year, month - 1, day, hour, minute, second);
  const back = new Date(utc);
  const real =
    back.getUTCFullYear() === year && back.getUTCMonth() === month - 1 && back.getUTCDate() === day && hour < 24 && minute < 60 && second < 60;
  if (!real) return undefined;
  return `${text.slice(0, 4)}-${text.slice(4, 6)}-${text.slice(6, 8)}T${text.slice(8, 10)}:${text.slice(10, 12)}:${text.slice(12, 14)}+07:00`;
}
