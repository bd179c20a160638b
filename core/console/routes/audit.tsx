import { Hono } from 'hono';
import type { Context } from 'hono';
import { coversAgency } from '../../api-keys.ts';
import type { GatewayContext } from '../../gateway-context.ts';
import { auditView } from '../../http/views.ts';
import type { AuditVerification } from '../../store/types.ts';
import type { ConsoleEnv } from '../console-env.ts';
import { pageContext } from '../page-context.ts';
import { parseVietnamInput, toVietnamInput } from '../vietnam-time.ts';
import { withQuery } from '../views/bits.tsx';
import { CsrfField, Layout, Notice } from '../views/layout.tsx';
import { AuditTable } from '../views/message-detail.tsx';

/** Entries a page of the log shows. */
const AUDIT_PAGE = 100;
/** Without a time or a message, the log is shown from this long ago. */
const DEFAULT_SPAN_MS = 24 * 3_600_000;

/**
 * `/admin/audit`: the log's entries by time or by message, in sequence order, paged by sequence number; POST
 * `/admin/audit/verify` recomputes the chain and shows the verdict. A key limited to agencies reads its messages'
 * trails only and cannot verify the whole log, as on the admin API.
 */
export function auditRoutes(gateway: GatewayContext) {
  const app = new Hono<ConsoleEnv>();
  app.get('/audit', (c) => auditPage(c, gateway));
  app.post('/audit/verify', async (c) => {
    if (!c.get('operator').key.agencies.includes('*')) return auditPage(c, gateway, 'scoped');
    return auditPage(c, gateway, await gateway.store.verifyAudit());
  });
  return app;
}

async function auditPage(c: Context<ConsoleEnv>, gateway: GatewayContext, verdict?: AuditVerification | 'scoped') {
  const page = pageContext(c);
  const { t } = page;
  const key = c.get('operator').key;
  const messageId = (c.req.query('messageId') ?? '').trim().slice(0, 100);
  const sinceText = (c.req.query('since') ?? '').trim();
  const untilText = (c.req.query('until') ?? '').trim();
  const afterSeqText = c.req.query('afterSeq') ?? '';
  const since = sinceText ? parseVietnamInput(sinceText) : messageId ? undefined : gateway.clock.now() - DEFAULT_SPAN_MS;
  const until = untilText ? parseVietnamInput(untilText) : undefined;
  const afterSeq = /^\d{1,16}$/.test(afterSeqText) ? Number(afterSeqText) : undefined;
  const shownSince = sinceText || (since === undefined ? '' : toVietnamInput(since));

  let problem: string | undefined;
  if ((sinceText && since === undefined) || (untilText && until === undefined)) problem = t('messages.badFilter', { field: sinceText && since === undefined ? 'since' : 'until', problem: t('messages.badTime') });
  else if (!messageId && !key.agencies.includes('*')) problem = t('audit.scopedNeedsMessage');
  else if (messageId) {
    const message = await gateway.store.getMessage(messageId);
    if (!message || !coversAgency(key, message.agency)) problem = t('detail.notFound', { id: messageId });
  }
  const entries = problem ? [] : await gateway.store.listAudit({ messageId: messageId || undefined, since, until, afterSeq }, AUDIT_PAGE);
  const last = entries.at(-1);
  const next = entries.length === AUDIT_PAGE && last ? withQuery('/admin/audit', { messageId, since: shownSince, until: untilText, afterSeq: last.seq }) : undefined;

  return c.html(
    <Layout {...page} title={t('audit.title')}>
      <h2>{t('audit.verify')}</h2>
      <p>{t('audit.verifyIntro')}</p>
      {verdict === 'scoped' && <Notice kind="error">{t('audit.verifyScope')}</Notice>}
      {verdict && verdict !== 'scoped' && (verdict.ok ? (
        <Notice kind="ok">{t('audit.verifyOk', { count: verdict.checked, seq: verdict.head.seq })}</Notice>
      ) : (
        <Notice kind="error">{t('audit.verifyBad', { seq: verdict.seq, problem: verdict.problem })}</Notice>
      ))}
      {key.agencies.includes('*') && (
        <form method="post" action="/admin/audit/verify">
          <CsrfField token={c.get('operator').session.csrfToken} />
          <button type="submit">{t('audit.verify')}</button>
        </form>
      )}
      <h2 id="audit-entries">{t('audit.filters')}</h2>
      <form class="filters" method="get" action="/admin/audit">
        <div>
          <label for="audit-message">{t('audit.messageId')}</label>
          <input id="audit-message" name="messageId" type="text" maxlength={100} value={messageId} />
        </div>
        <div>
          <label for="audit-since">{t('messages.since')}</label>
          <input id="audit-since" name="since" type="datetime-local" step="1" value={shownSince} />
        </div>
        <div>
          <label for="audit-until">{t('messages.until')}</label>
          <input id="audit-until" name="until" type="datetime-local" step="1" value={untilText} />
        </div>
        <div class="actions">
          <button type="submit">{t('messages.apply')}</button>
        </div>
      </form>
      {problem && <Notice kind="error">{problem}</Notice>}
      {!problem && (entries.length === 0 ? <p>{t('audit.none')}</p> : <AuditTable t={t} entries={entries.map(auditView)} labelledBy="audit-entries" />)}
      {next && (
        <p>
          <a href={next}>{t('audit.next')}</a>
        </p>
      )}
    </Layout>,
    problem ? 400 : 200,
  );
}
