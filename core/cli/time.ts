/**
 * Times as the CLI prints them for people: ISO 8601 in Vietnam's time, `2026-12-07T13:05:00+07:00`. Vietnam keeps
 * UTC+7 all year (no daylight saving), so the offset is fixed. `--json` answers keep the API's UTC form (`…Z`).
 */
const VIETNAM_OFFSET_MS = 7 * 60 * 60 * 1000;

export function vietnamTime(ms: number): string {
  return `${new Date(ms + VIETNAM_OFFSET_MS).toISOString().slice(0, 19)}+07:00`;
}

/** An ISO time from a view (`…Z`, or null) in Vietnam's time. */
export function inVietnamTime(iso: string | null): string | null {
  return iso === null ? null : vietnamTime(Date.parse(iso));
}
