import type { LabelKey, Translate } from '../i18n.ts';
import { formatVietnamTime, isoTime } from '../vietnam-time.ts';

const STATUSES = new Set(['queued', 'processing', 'succeeded', 'dead']);

/** A message's status as a labelled badge (its words, not only its colour); `cancelled` for a cancelled dead one. */
export function StatusBadge({ t, status, cancelled }: { t: Translate; status: string; cancelled?: boolean }) {
  if (cancelled) return <span class="status status-cancelled">{t('status.cancelled')}</span>;
  if (!STATUSES.has(status)) return <span class="status status-other">{status}</span>;
  return <span class={`status status-${status}`}>{t(`status.${status}` as 'status.queued')}</span>;
}

/** An instant in Vietnam time, its exact value for machines in `datetime`. */
export function Time({ ms }: { ms: number | null | undefined }) {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return <span>—</span>;
  return <time datetime={isoTime(ms)}>{formatVietnamTime(ms)}</time>;
}

/** An ISO time from a view (`createdAt`, `startedAt` …) in Vietnam time. */
export const IsoTime = ({ iso }: { iso: string | null | undefined }) => <Time ms={iso ? Date.parse(iso) : null} />;

/** Builds a console URL with the given query, leaving out empty values. */
export function withQuery(path: string, query: Record<string, string | number | undefined | null>): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value !== undefined && value !== null && value !== '') params.set(name, String(value));
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

/**
 * A label split around one of its placeholders, so that a `<time>` (or a link) can stand in its place:
 * `labelAround(t, 'overview.at', 'time', { seconds: 10 })` → ['Số liệu lúc ', '; tự làm mới mỗi 10 giây.'].
 */
export function labelAround(t: Translate, key: LabelKey, name: string, params: Record<string, string | number> = {}): [string, string] {
  const [before = '', after = ''] = t(key, { ...params, [name]: '\u0000' }).split('\u0000');
  return [before, after];
}
