/** Vietnam keeps UTC+7 all year (no daylight saving): its times are UTC shifted by seven hours. */
const OFFSET_MS = 7 * 3_600_000;

const two = (n: number) => String(n).padStart(2, '0');

/** `dd/MM/yyyy HH:mm:ss` in Vietnam time, as Vietnamese users read dates; a dash for none. */
export function formatVietnamTime(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  const d = new Date(ms + OFFSET_MS);
  return `${two(d.getUTCDate())}/${two(d.getUTCMonth() + 1)}/${d.getUTCFullYear()} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
}

/** The same instant as an ISO time, for `<time datetime>`. */
export const isoTime = (ms: number) => new Date(ms).toISOString();

/** The value a `datetime-local` input shows for an instant, in Vietnam time (`yyyy-MM-ddTHH:mm`). */
export function toVietnamInput(ms: number): string {
  const d = new Date(ms + OFFSET_MS);
  return `${d.getUTCFullYear()}-${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())}T${two(d.getUTCHours())}:${two(d.getUTCMinutes())}`;
}

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

/**
 * The instant a `datetime-local` value names in Vietnam time (`2026-03-01T08:00`, seconds optional); undefined when
 * it is not one.
 */
export function parseVietnamInput(value: string): number | undefined {
  const match = LOCAL.exec(value.trim());
  if (!match) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1).map((part) => Number(part ?? 0)) as [number, number, number, number, number, number];
  const ms = Date.UTC(year, month - 1, day, hour, minute, second) - OFFSET_MS;
  // Date.UTC rolls 31/02 over into March: such a date is refused, not moved.
  const check = new Date(ms + OFFSET_MS);
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) return undefined;
  return ms;
}

/** A duration as operators read it: `45 s`, `12 min`, `3 h 5 min`, `2 d 4 h` (units the same in both languages). */
export function formatAge(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

/** A duration in milliseconds, for an attempt: `850 ms`, `2.4 s`. */
export const formatDuration = (ms: number) => (ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`);
