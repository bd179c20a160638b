import type { dossierView } from '../../http/views.ts';
import type { Translate } from '../i18n.ts';
import { IsoTime, StatusBadge } from './bits.tsx';

type Timeline = ReturnType<typeof dossierView>;
type Entry = Timeline['entries'][number];

const PAYMENT_STATES: Record<string, string> = { paid: 'succeeded', pending: 'queued', failed: 'dead', expired: 'dead' };

/** What an entry says about the dossier, masked: each field on a line, nested values as compact JSON. */
function Detail({ detail }: { detail: unknown }) {
  if (detail === null || detail === undefined || typeof detail !== 'object') return null;
  const fields = Object.entries(detail as Record<string, unknown>);
  if (fields.length === 0) return null;
  return (
    <dl class="facts">
      {fields.map(([name, value]) => (
        <>
          <dt>{name}</dt>
          <dd>{typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : <code>{JSON.stringify(value)}</code>}</dd>
        </>
      ))}
    </dl>
  );
}

function EntryItem({ t, entry }: { t: Translate; entry: Entry }) {
  const what = [entry.capability, entry.operation, 'eventType' in entry ? entry.eventType : null].filter(Boolean).join(' · ');
  const isRecord = entry.kind === 'payment' || entry.kind === 'record';
  return (
    <li data-kind={entry.kind} data-id={entry.id}>
      <h3>
        <IsoTime iso={entry.at} /> — {t(`kind.${entry.kind}` as 'kind.message')}
        {what && ` · ${what}`}
      </h3>
      <p>
        <StatusBadge t={t} status={isRecord ? (PAYMENT_STATES[entry.status] ?? entry.status) : entry.status} />
        {isRecord && ` ${entry.status}`}
        {' · '}
        {isRecord ? entry.id : <a href={`/admin/messages/${encodeURIComponent(entry.id)}`}>{entry.id}</a>}
        {` · ${t('col.instance')}: ${entry.instance}`}
        {entry.agency && ` · ${t('col.agency')}: ${entry.agency}`}
        {'attempts' in entry && ` · ${t('col.attempts')}: ${entry.attempts}/${entry.maxAttempts}`}
      </p>
      {'lastError' in entry && entry.lastError && (
        <p class="bad">
          {t('col.lastError')}: {entry.lastError}
        </p>
      )}
      <Detail detail={entry.detail} />
    </li>
  );
}

/** `/admin/dossiers/{code}`: everything the gateway did for one dossier, oldest first. */
export function DossierTimeline({ t, timeline }: { t: Translate; timeline: Timeline }) {
  return (
    <>
      <p>{t('dossier.intro')}</p>
      {timeline.truncated && <p class="muted">{t('dossier.truncated', { count: timeline.entries.length })}</p>}
      <ol class="timeline">
        {timeline.entries.map((entry) => (
          <EntryItem t={t} entry={entry} />
        ))}
      </ol>
    </>
  );
}
