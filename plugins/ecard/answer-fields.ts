/** Reading the values the config points at in a provider's JSON answer. */

/** The value at a dotted path; through an array, its first item (NGSP gives one representative or a list). */
export function valueAt(source: unknown, path: string): unknown {
  let current = source;
  for (const key of path.split('.')) {
    if (Array.isArray(current)) current = current[0];
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return Array.isArray(current) && current.length > 0 && typeof current[0] !== 'object' ? current[0] : current;
}

/** A non-empty text (numbers written as text), or undefined. */
export function textAt(source: unknown, path: string): string | undefined {
  const value = valueAt(source, path);
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ].*)?$/;
const DAY_FIRST = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?: .*)?$/;
const COMPACT = /^(\d{4})(\d{2})(\d{2})(?:\d{6})?$/;

/**
 * A date as `YYYY-MM-DD`, from the forms Vietnamese services write: ISO (with or without a time), `dd/MM/yyyy`,
 * `yyyyMMdd` and `yyyyMMddHHmmss`. Undefined when absent or not a real date.
 */
export function isoDateOf(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  let parts: [string, string, string] | undefined;
  const iso = ISO.exec(raw) ?? COMPACT.exec(raw);
  if (iso?.[1] && iso[2] && iso[3]) parts = [iso[1], iso[2], iso[3]];
  const dayFirst = DAY_FIRST.exec(raw);
  if (dayFirst?.[1] && dayFirst[2] && dayFirst[3]) parts = [dayFirst[3], dayFirst[2].padStart(2, '0'), dayFirst[1].padStart(2, '0')];
  if (!parts) return undefined;
  const [year, month, day] = parts;
  const date = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  if (date.getUTCFullYear() !== Number(year) || date.getUTCMonth() !== Number(month) - 1 || date.getUTCDate() !== Number(day)) return undefined;
  return `${year}-${month}-${day}`;
}
