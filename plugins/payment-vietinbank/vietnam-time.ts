/** VietinBank's `yyyyMMddHHmmss` times are Vietnam time (UTC+7, no daylight saving). */
const OFFSET_MS = 7 * 3_600_000;

const pad = (value: number, width = 2) => String(value).padStart(width, '0');

/** `2026-11-21T02:30:00Z` → `20261121093000`. */
export function toTransTime(date: Date): string {
  const local = new Date(date.getTime() + OFFSET_MS);
  return (
    pad(local.getUTCFullYear(), 4) +
    pad(local.getUTCMonth() + 1) +
    pad(local.getUTCDate()) +
    pad(local.getUTCHours()) +
    pad(local.getUTCMinutes()) +
    pad(local.getUTCSeconds())
  );
}

/**
 * `2026-11-21T02:30:05.250Z` → `2026-11-21T09:30:05+07:00`: ISO 8601 in Vietnam time with its offset, to the second,
 * the form `paidAt` takes in answers and events (the portal's and the one-stop software's zone).
 */
export function toVietnamIso(date: Date): string {
  const t = toTransTime(date);
  return `${t.slice(0, 4)}-${t.slice(4, 6)}-${t.slice(6, 8)}T${t.slice(8, 10)}:${t.slice(10, 12)}:${t.slice(12, 14)}+07:00`;
}

/** `20261121093000` → the instant, or undefined when it is not a real time in that form. */
export function fromTransTime(text: string): Date | undefined {
  const parts = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(text);
  if (!parts) return undefined;
  const [year, month, day, hour, minute, second] = parts.slice(1).map(Number) as [number, number, number, number, number, number];
  const utc = Date.UTC(year, month - 1, day, hour, minute, second);
  const date = new Date(utc - OFFSET_MS);
  // Date.UTC rolls 20261340… over into another day: only a round trip proves the text was a real time.
  return toTransTime(date) === text ? date : undefined;
}

