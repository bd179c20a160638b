import type { attemptView, auditView } from '../../http/views.ts';
import type { Translate } from '../i18n.ts';
import { formatDuration } from '../vietnam-time.ts';
import { IsoTime, StatusBadge, Time, labelAround } from './bits.tsx';
import { DossierLink, type ListedMessage } from './messages-page.tsx';

export type AttemptRow = ReturnType<typeof attemptView>;
export type AuditRow = ReturnType<typeof auditView>;

/** Another message of the same dossier, as the detail page links it. */
export interface SameDossierRow {
  id: string;
  at: number;
  kind: string;
  capability: string | null;
  operation: string | null;
  status: string;
}

export interface MessageDetailProps {
  t: Translate;
  message: ListedMessage;
  attempts: AttemptRow[];
  audit: AuditRow[];
  sameDossier: SameDossierRow[];
}

const json = (value: unknown) => JSON.stringify(value, null, 2);

/** `/admin/messages/{id}`: facts, masked payload and result, every attempt, the audit trail, the dossier's other messages. */
export function MessageDetail({ t, message, attempts, audit, sameDossier }: MessageDetailProps) {
  const cancelled = message.cancelledAt !== null;
  const replayable = message.status === 'dead';
  const cancellable = message.status === 'queued' || (message.status === 'dead' && !cancelled);
  const purged = labelAround(t, 'detail.payloadPurged', 'time');
  return (
    <>
      <div class="actions">
        {replayable && (
          <a class="button" href={`/admin/replay?scope=selected&ids=${encodeURIComponent(message.id)}`}>
            {t('detail.replay')}
          </a>
        )}
        {cancellable && (
          <a class="button danger" href={`/admin/messages/${encodeURIComponent(message.id)}/cancel`}>
            {t('detail.cancel')}
          </a>
        )}
      </div>
      <h2>{t('detail.facts')}</h2>
      <dl class="facts">
        <dt>{t('col.status')}</dt>
        <dd>
          <StatusBadge t={t} status={message.status} cancelled={cancelled} />
          {message.waitingFor && ` ${t(`waiting.${message.waitingFor}`)}`}
        </dd>
        <dt>{t('col.capability')}</dt>
        <dd>{`${message.capability} · ${message.operation}`}</dd>
        <dt>{t('col.instance')}</dt>
        <dd>{`${message.instance} (${message.plugin})`}</dd>
        <dt>{t('col.agency')}</dt>
        <dd>{message.agency}</dd>
        <dt>{t('col.dossier')}</dt>
        <dd><DossierLink code={message.dossierCode} linked={message.dossierLinked} /></dd>
        <dt>{t('detail.reference')}</dt>
        <dd>{message.reference ?? '—'}</dd>
        <dt>{t('col.attempts')}</dt>
        <dd>{`${message.attempts}/${message.maxAttempts}`}</dd>
        <dt>{t('detail.totalAttempts')}</dt>
        <dd>{message.totalAttempts}</dd>
        <dt>{t('detail.replays')}</dt>
        <dd>{message.replays}</dd>
        <dt>{t('col.createdAt')}</dt>
        <dd><IsoTime iso={message.createdAt} /></dd>
        <dt>{t('col.updatedAt')}</dt>
        <dd><IsoTime iso={message.updatedAt} /></dd>
        <dt>{t('detail.nextAttempt')}</dt>
        <dd><IsoTime iso={message.nextAttemptAt} /></dd>
        <dt>{t('detail.expiresAt')}</dt>
        <dd><IsoTime iso={message.expiresAt} /></dd>
        {cancelled && (
          <>
            <dt>{t('detail.cancelledAt')}</dt>
            <dd><IsoTime iso={message.cancelledAt} /></dd>
          </>
        )}
        <dt>{t('col.lastError')}</dt>
        <dd>{message.lastError ?? '—'}</dd>
      </dl>

      <h2>{t('detail.payload')}</h2>
      {message.payloadPurgedAt ? (
        <p>
          {purged[0]}
          <IsoTime iso={message.payloadPurgedAt} />
          {purged[1]}
        </p>
      ) : (
        <pre>{json(message.payload)}</pre>
      )}
      {message.result !== null && message.result !== undefined && (
        <>
          <h2>{t('detail.result')}</h2>
          <pre>{json(message.result)}</pre>
        </>
      )}

      <h2 id="attempts-heading">{t('detail.attempts')}</h2>
      {attempts.length === 0 ? (
        <p>{t('detail.noAttempts')}</p>
      ) : (
        <table aria-labelledby="attempts-heading">
          <thead>
            <tr>
              <th scope="col" class="num">{t('col.round')}</th>
              <th scope="col" class="num">{t('col.number')}</th>
              <th scope="col">{t('col.time')}</th>
              <th scope="col" class="num">{t('col.duration')}</th>
              <th scope="col">{t('col.outcome')}</th>
              <th scope="col">{t('col.providerCode')}</th>
              <th scope="col">{t('col.error')}</th>
            </tr>
          </thead>
          <tbody>
            {attempts.map((attempt) => (
              <tr data-attempt={`${attempt.round}.${attempt.number}`}>
                <td class="num">{attempt.round}</td>
                <td class="num">{attempt.number}</td>
                <td><IsoTime iso={attempt.startedAt} /></td>
                <td class="num">{formatDuration(attempt.durationMs)}</td>
                <td class={attempt.outcome === 'succeeded' ? 'good' : 'bad'}>{t(`outcome.${attempt.outcome}`)}</td>
                <td>{attempt.providerCode ?? '—'}</td>
                <td>{attempt.error ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h2 id="audit-heading">{t('detail.audit')}</h2>
      {audit.length === 0 ? <p>{t('detail.noAudit')}</p> : <AuditTable t={t} entries={audit} labelledBy="audit-heading" />}

      <h2 id="dossier-heading">{t('detail.sameDossier')}</h2>
      {message.dossierCode !== null && message.dossierLinked && (
        <p>
          <a href={`/admin/dossiers/${encodeURIComponent(message.dossierCode)}`}>{t('detail.openDossier', { code: message.dossierCode })}</a>
        </p>
      )}
      {sameDossier.length === 0 ? (
        <p>{t('detail.noSameDossier')}</p>
      ) : (
        <table aria-labelledby="dossier-heading">
          <thead>
            <tr>
              <th scope="col">{t('col.time')}</th>
              <th scope="col">{t('col.id')}</th>
              <th scope="col">{t('col.kind')}</th>
              <th scope="col">{t('col.capability')}</th>
              <th scope="col">{t('col.status')}</th>
            </tr>
          </thead>
          <tbody>
            {sameDossier.map((entry) => (
              <tr>
                <td><Time ms={entry.at} /></td>
                <th scope="row"><a href={`/admin/messages/${encodeURIComponent(entry.id)}`}>{entry.id}</a></th>
                <td>{t(`kind.${entry.kind}` as 'kind.message')}</td>
                <td>{[entry.capability, entry.operation].filter(Boolean).join(' · ')}</td>
                <td><StatusBadge t={t} status={entry.status} /></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

/** Audit entries: the message's trail here, the whole log on the audit page. */
export function AuditTable({ t, entries, labelledBy }: { t: Translate; entries: AuditRow[]; labelledBy: string }) {
  return (
    <table aria-labelledby={labelledBy}>
      <thead>
        <tr>
          <th scope="col" class="num">{t('col.seq')}</th>
          <th scope="col">{t('col.time')}</th>
          <th scope="col">{t('col.actor')}</th>
          <th scope="col">{t('col.action')}</th>
          <th scope="col">{t('col.id')}</th>
          <th scope="col">{t('col.instance')}</th>
          <th scope="col">{t('col.summary')}</th>
        </tr>
      </thead>
      <tbody>
        {entries.map((entry) => (
          <tr>
            <td class="num">{entry.seq}</td>
            <td><IsoTime iso={entry.time} /></td>
            <td>{entry.actor}</td>
            <td>{entry.action}</td>
            <td>{entry.messageId ? <a href={`/admin/messages/${encodeURIComponent(entry.messageId)}`}>{entry.messageId}</a> : '—'}</td>
            <td>{entry.instance ?? '—'}</td>
            <td><code>{JSON.stringify(entry.summary)}</code></td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
