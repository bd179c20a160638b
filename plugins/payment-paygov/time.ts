/** ThoiGianGD: `yyyyMMddHHmmss` in Vietnam time (UTC+7, no daylight saving), whatever the server's zone. */
const VIETNAM_OFFSET_MS = 7 * 60 * 60 * 1000;

export function vietnamTimestamp(at: Date): string {
  const shifted = new Date(at.getTime() + VIETNAM_OFFSET_MS).toISOString();
  return shifted.slice(0, 19).replace(/[-T:]/g, '');
}

/** `20261121093000` → `2026-11-21T09:30:00+07:00`; undefined when it is not a real time in that form. */
export function isoFromVietnamTimestamp(timestamp: string): string | undefined {
  const parts = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(timestamp);
  if (!parts) return undefined;
  const [, year, month, day, hour, minute, second] = parts;
  const iso = `${year}-${month}-${day}T${hour}:${minute}:${second}+07:00`;
  const parsed = Date.parse(iso);
  // Date.parse rolls 31 February over to March: a real time formats back to itself.
  if (Number.isNaN(parsed) || vietnamTimestamp(new Date(parsed)) !== timestamp) return undefined;
  return iso;
}
