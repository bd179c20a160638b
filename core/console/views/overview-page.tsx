import type { readOverview } from '../../http/routes/admin-overview.ts';
import type { Translate } from '../i18n.ts';
import { formatAge } from '../vietnam-time.ts';
import { IsoTime, StatusBadge, labelAround, withQuery } from './bits.tsx';

export type OverviewData = Awaited<ReturnType<typeof readOverview>>;
type InstanceRow = OverviewData['instances'][number];

/** How often the overview asks for fresh figures. */
const OVERVIEW_REFRESH_SECONDS = 10;

const STATUS_ORDER = ['queued', 'processing', 'dead', 'succeeded'] as const;

/** The overview's live part: replaced by htmx every few seconds with the same fragment, fresh. */
export function OverviewLive({ t, data }: { t: Translate; data: OverviewData }) {
  const at = labelAround(t, 'overview.at', 'time', { seconds: OVERVIEW_REFRESH_SECONDS });
  return (
    <div id="overview-live" hx-get="/admin/overview/live" hx-trigger={`every ${OVERVIEW_REFRESH_SECONDS}s`} hx-swap="outerHTML">
      <p class="muted">
        {at[0]}
        <IsoTime iso={data.at} />
        {at[1]}
      </p>
      <h2 id="instances-heading">{t('overview.instances')}</h2>
      {data.instances.length === 0 ? <p>{t('overview.noInstances')}</p> : <InstancesTable t={t} rows={data.instances} />}
      <h2 id="counts-heading">{t('overview.counts')}</h2>
      {data.counts.length === 0 ? <p>{t('overview.noCounts')}</p> : <CountsTable t={t} counts={data.counts} />}
    </div>
  );
}

function InstancesTable({ t, rows }: { t: Translate; rows: InstanceRow[] }) {
  return (
    <table aria-labelledby="instances-heading">
      <thead>
        <tr>
          <th scope="col">{t('col.instance')}</th>
          <th scope="col">{t('col.circuit')}</th>
          <th scope="col">{t('col.paused')}</th>
          <th scope="col">{t('col.health')}</th>
          <th scope="col" class="num">{t('col.queued')}</th>
          <th scope="col" class="num">{t('col.processing')}</th>
          <th scope="col" class="num">{t('col.dead')}</th>
          <th scope="col" class="num">{t('col.succeeded')}</th>
          <th scope="col">{t('col.oldest')}</th>
          <th scope="col" class="num">{t('col.lastHour')}</th>
          <th scope="col" class="num">{t('col.failureRate')}</th>
          <th scope="col">{t('col.actions')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr data-instance={row.id}>
            <th scope="row">
              <a href={withQuery('/admin/messages', { instance: row.id })}>{row.id}</a>
              <br />
              <span class="muted">{row.plugin ?? t('instance.former')}</span>
            </th>
            <td class={row.circuit === 'open' ? 'bad' : ''}>{row.circuit ? t(`circuit.${row.circuit}`) : t('circuit.none')}</td>
            <td class={row.paused ? 'bad' : ''}>
              {row.paused ? (
                <>
                  {labelAround(t, 'paused.yes', 'time', { by: row.paused.by })[0]}
                  <IsoTime iso={row.paused.at} />
                  {labelAround(t, 'paused.yes', 'time', { by: row.paused.by })[1]}
                  {row.paused.reason && (
                    <>
                      <br />
                      {t('paused.reason', { reason: row.paused.reason })}
                    </>
                  )}
                </>
              ) : (
                t('paused.no')
              )}
            </td>
            <td>
              <Health t={t} health={row.health} />
            </td>
            <td class="num">{row.queue.queued}</td>
            <td class="num">{row.queue.processing}</td>
            <td class="num">
              {row.queue.dead > 0 ? <a href={withQuery('/admin/messages', { status: 'dead', instance: row.id })}>{row.queue.dead}</a> : 0}
            </td>
            <td class="num">{row.queue.succeeded}</td>
            <td>{formatAge(row.oldestWaitingAgeMs)}</td>
            <td class="num">{row.lastHour.attempts}</td>
            <td class={`num ${row.lastHour.failureRate ? 'bad' : ''}`}>{row.lastHour.failureRate === null ? '—' : `${Math.round(row.lastHour.failureRate * 100)} %`}</td>
            <td>
              {row.configured &&
                (row.paused ? (
                  <a class="button secondary" href={`/admin/instances/${encodeURIComponent(row.id)}/resume`}>
                    {t('instance.resume')}
                    <span class="visually-hidden"> {row.id}</span>
                  </a>
                ) : (
                  <a class="button secondary" href={`/admin/instances/${encodeURIComponent(row.id)}/pause`}>
                    {t('instance.pause')}
                    <span class="visually-hidden"> {row.id}</span>
                  </a>
                ))}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Health({ t, health }: { t: Translate; health: InstanceRow['health'] }) {
  if (health === null) return <span class="muted">{t('health.none')}</span>;
  if (health.ok === null) return <span class="muted">{t('health.pending')}</span>;
  return (
    <span class={health.ok ? 'good' : 'bad'}>
      {health.ok ? t('health.ok') : t('health.bad')}
      <br />
      <span class="muted">{t('health.age', { age: formatAge(health.ageMs) })}</span>
    </span>
  );
}

function CountsTable({ t, counts }: { t: Translate; counts: OverviewData['counts'] }) {
  const rows = new Map<string, { capability: string; agency: string; byStatus: Map<string, number> }>();
  for (const count of counts) {
    const key = `${count.capability}\u0000${count.agency}`;
    const row = rows.get(key) ?? { capability: count.capability, agency: count.agency, byStatus: new Map() };
    row.byStatus.set(count.status, (row.byStatus.get(count.status) ?? 0) + count.count);
    rows.set(key, row);
  }
  const sorted = [...rows.values()].sort((a, b) => a.capability.localeCompare(b.capability) || a.agency.localeCompare(b.agency));
  return (
    <table aria-labelledby="counts-heading">
      <thead>
        <tr>
          <th scope="col">{t('col.capability')}</th>
          <th scope="col">{t('col.agency')}</th>
          {STATUS_ORDER.map((status) => (
            <th scope="col" class="num">
              <StatusBadge t={t} status={status} />
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {sorted.map((row) => (
          <tr>
            <th scope="row">{row.capability}</th>
            <td>{row.agency}</td>
            {STATUS_ORDER.map((status) => {
              const count = row.byStatus.get(status) ?? 0;
              return (
                <td class="num">
                  {count > 0 ? <a href={withQuery('/admin/messages', { status, capability: row.capability, agency: row.agency })}>{count}</a> : 0}
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
