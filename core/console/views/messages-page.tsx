import { operatorMessageView } from '../../http/views.ts';
import type { Translate } from '../i18n.ts';
import { type FilterFields, filterQuery } from '../message-filter.ts';
import { IsoTime, StatusBadge, withQuery } from './bits.tsx';

/** A message as operators see it (masked), and whether its dossier code may be a link (masking changed nothing in it). */
export type ListedMessage = ReturnType<typeof operatorMessageView> & { dossierLinked: boolean };

export interface FilterChoices {
  capabilities: string[];
  instances: string[];
  agencies: string[];
}

const STATUSES = ['queued', 'processing', 'succeeded', 'dead'] as const;

/** A select of the filter form: "any" first, then the choices (the current value kept even if no longer offered). */
function Choice({ id, label, value, choices, anyLabel, labelOf }: { id: string; label: string; value: string; choices: readonly string[]; anyLabel: string; labelOf?: (choice: string) => string }) {
  const all = value && !choices.includes(value) ? [...choices, value] : choices;
  return (
    <div>
      <label for={`filter-${id}`}>{label}</label>
      <select id={`filter-${id}`} name={id}>
        <option value="">{anyLabel}</option>
        {all.map((choice) => (
          <option value={choice} selected={choice === value}>
            {labelOf ? labelOf(choice) : choice}
          </option>
        ))}
      </select>
    </div>
  );
}

/** The filter form: a GET, so that the filter is the page's URL and can be shared. */
export function FilterForm({ t, fields, choices }: { t: Translate; fields: FilterFields; choices: FilterChoices }) {
  return (
    <form class="filters" method="get" action="/admin/messages" aria-label={t('messages.filters')}>
      <Choice id="status" label={t('col.status')} value={fields.status} choices={STATUSES} anyLabel={t('status.any')} labelOf={(status) => t(`status.${status}` as 'status.queued')} />
      <Choice id="capability" label={t('col.capability')} value={fields.capability} choices={choices.capabilities} anyLabel={t('messages.any')} />
      <Choice id="instance" label={t('col.instance')} value={fields.instance} choices={choices.instances} anyLabel={t('messages.any')} />
      <Choice id="agency" label={t('col.agency')} value={fields.agency} choices={choices.agencies} anyLabel={t('messages.any')} />
      <div>
        <label for="filter-since">{t('messages.since')}</label>
        <input id="filter-since" name="since" type="datetime-local" step="1" value={fields.since} />
      </div>
      <div>
        <label for="filter-until">{t('messages.until')}</label>
        <input id="filter-until" name="until" type="datetime-local" step="1" value={fields.until} />
      </div>
      <div>
        <label for="filter-q">{t('messages.q')}</label>
        <input id="filter-q" name="q" type="text" maxlength={200} value={fields.q} />
      </div>
      <div class="actions">
        <button type="submit">{t('messages.apply')}</button>
        <a href="/admin/messages">{t('messages.clear')}</a>
      </div>
    </form>
  );
}

/**
 * The page of messages in a form that asks for a replay's dry run: of the ticked ones, or of every dead message the
 * filter matches (its fields go along hidden).
 */
export function MessageTable({ t, fields, messages, nextCursor }: { t: Translate; fields: FilterFields; messages: ListedMessage[]; nextCursor: string | null }) {
  if (messages.length === 0) return <p>{t('messages.none')}</p>;
  return (
    <form method="get" action="/admin/replay">
      {Object.entries(filterQuery(fields)).map(([name, value]) => (
        <input type="hidden" name={name} value={value} />
      ))}
      <p class="muted">{t('messages.selectHint')}</p>
      <div class="actions">
        <button type="submit" name="scope" value="selected">{t('messages.replaySelected')}</button>
        <button type="submit" name="scope" value="filter" class="secondary">{t('messages.replayFilter')}</button>
      </div>
      <table>
        <caption class="visually-hidden">{t('messages.title')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('col.select')}</th>
            <th scope="col">{t('col.id')}</th>
            <th scope="col">{t('col.status')}</th>
            <th scope="col">{t('col.capability')}</th>
            <th scope="col">{t('col.instance')}</th>
            <th scope="col">{t('col.agency')}</th>
            <th scope="col" class="num">{t('col.attempts')}</th>
            <th scope="col">{t('col.createdAt')}</th>
            <th scope="col">{t('col.updatedAt')}</th>
            <th scope="col">{t('col.dossier')}</th>
            <th scope="col">{t('col.lastError')}</th>
          </tr>
        </thead>
        <tbody>
          {messages.map((message) => (
            <tr data-message={message.id}>
              <td>
                {message.status === 'dead' && message.cancelledAt === null && (
                  <>
                    <input type="checkbox" name="ids" value={message.id} id={`select-${message.id}`} />
                    <label for={`select-${message.id}`} class="visually-hidden">{`${t('col.select')} ${message.id}`}</label>
                  </>
                )}
              </td>
              <th scope="row">
                <a href={`/admin/messages/${encodeURIComponent(message.id)}`}>{message.id}</a>
              </th>
              <td>
                <StatusBadge t={t} status={message.status} cancelled={message.cancelledAt !== null} />
                {message.waitingFor && (
                  <>
                    <br />
                    <span class="muted">{t(`waiting.${message.waitingFor}`)}</span>
                  </>
                )}
              </td>
              <td>{`${message.capability} · ${message.operation}`}</td>
              <td>{message.instance}</td>
              <td>{message.agency}</td>
              <td class="num">{`${message.attempts}/${message.maxAttempts}`}</td>
              <td><IsoTime iso={message.createdAt} /></td>
              <td><IsoTime iso={message.updatedAt} /></td>
              <td><DossierLink code={message.dossierCode} linked={message.dossierLinked} /></td>
              <td>{message.lastError ?? '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p class="actions">
        {nextCursor && <a href={withQuery('/admin/messages', { ...filterQuery(fields), cursor: nextCursor })}>{t('messages.next')}</a>}
        <a href={withQuery('/admin/messages', filterQuery(fields))}>{t('messages.first')}</a>
      </p>
    </form>
  );
}

/** A dossier code (masked, since an SMS's is free text), a link to its timeline when masking changed nothing in it. */
export function DossierLink({ code, linked }: { code: string | null; linked: boolean }) {
  if (code === null) return <span>—</span>;
  return linked ? <a href={`/admin/dossiers/${encodeURIComponent(code)}`}>{code}</a> : <span>{code}</span>;
}
