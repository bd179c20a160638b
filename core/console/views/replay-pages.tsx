import type { ReplayPlan } from '../../store/types.ts';
import type { Translate } from '../i18n.ts';
import type { FilterFields } from '../message-filter.ts';
import { filterQuery } from '../message-filter.ts';
import { withQuery } from './bits.tsx';
import { CsrfField, Notice } from './layout.tsx';

export type ReplayScope = { scope: 'selected'; ids: string[] } | { scope: 'filter'; fields: FilterFields };

/** The hidden fields that carry a replay's scope from the dry run to its confirmation. */
function ScopeFields({ target }: { target: ReplayScope }) {
  return (
    <>
      <input type="hidden" name="scope" value={target.scope} />
      {target.scope === 'selected'
        ? target.ids.map((id) => <input type="hidden" name="ids" value={id} />)
        : Object.entries(filterQuery(target.fields)).map(([name, value]) => <input type="hidden" name={name} value={value} />)}
    </>
  );
}

/** The dry run: how many dead messages, per instance, then a button that confirms (a POST with the form token). */
export function ReplayPlanView({ t, target, plan, csrfToken, back }: { t: Translate; target: ReplayScope; plan: ReplayPlan; csrfToken: string; back: string }) {
  const filter = target.scope === 'filter' ? Object.entries(filterQuery(target.fields)) : [];
  return (
    <>
      <Notice kind="info">{t('replay.intro')}</Notice>
      {target.scope === 'selected' ? (
        <p>{t('replay.selected', { count: target.ids.length })}</p>
      ) : (
        <>
          <h2>{t('replay.filter')}</h2>
          <dl class="facts">
            {filter.length === 0 ? <dd>{t('messages.any')}</dd> : filter.map(([name, value]) => (
              <>
                <dt>{name}</dt>
                <dd>{value}</dd>
              </>
            ))}
          </dl>
        </>
      )}
      {plan.total === 0 ? (
        <Notice kind="error">{t('replay.nothing')}</Notice>
      ) : (
        <>
          <p>
            <strong>{t('replay.total', { count: plan.total })}</strong>
          </p>
          <h2 id="by-instance">{t('replay.byInstance')}</h2>
          <table aria-labelledby="by-instance">
            <thead>
              <tr>
                <th scope="col">{t('col.instance')}</th>
                <th scope="col" class="num">{t('col.count')}</th>
              </tr>
            </thead>
            <tbody>
              {Object.entries(plan.byInstance).map(([instance, count]) => (
                <tr>
                  <th scope="row">{instance}</th>
                  <td class="num">{count}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <form method="post" action="/admin/replay">
            <CsrfField token={csrfToken} />
            <ScopeFields target={target} />
            <div class="actions">
              <button type="submit">{t('replay.confirm', { count: plan.total })}</button>
              <a href={back}>{t('action.cancel')}</a>
            </div>
          </form>
        </>
      )}
      {plan.total === 0 && (
        <p>
          <a href={back}>{t('action.cancel')}</a>
        </p>
      )}
    </>
  );
}

/** After the replay: how many were queued, and where to watch them. */
export function ReplayDone({ t, queued, target }: { t: Translate; queued: string[]; target: ReplayScope }) {
  const watch =
    target.scope === 'filter'
      ? withQuery('/admin/messages', { ...filterQuery(target.fields), status: undefined })
      : queued.length === 1
        ? `/admin/messages/${encodeURIComponent(queued[0] as string)}`
        : '/admin/messages';
  return (
    <>
      <Notice kind="ok">{t('replay.done', { count: queued.length })}</Notice>
      <p>
        <a href={watch}>{t('replay.see')}</a>
      </p>
    </>
  );
}
