import { Hono } from 'hono';
import type { Context } from 'hono';
import { coversAgency } from '../../api-keys.ts';
import type { GatewayContext } from '../../gateway-context.ts';
import { ProblemError } from '../../http/problem.ts';
import { attemptView, auditView } from '../../http/views.ts';
import type { MessageRecord } from '../../store/types.ts';
import type { ConsoleEnv } from '../console-env.ts';
import { filterFieldsOf, toMessageFilter } from '../message-filter.ts';
import { listedMessage } from '../message-views.ts';
import { pageContext } from '../page-context.ts';
import { Layout, Notice } from '../views/layout.tsx';
import { MessageDetail, type SameDossierRow } from '../views/message-detail.tsx';
import { type FilterChoices, FilterForm, MessageTable } from '../views/messages-page.tsx';

/** Messages a page shows; the list pages by keyset (the store's cursor), newest first. */
export const PAGE_SIZE = 50;
/** The dossier's other messages the detail page lists at most. */
const SAME_DOSSIER_SHOWN = 100;

/** `/admin/messages` (the filtered list, its filter in the URL) and `/admin/messages/{id}` (one message in full). */
export function messageRoutes(gateway: GatewayContext) {
  const app = new Hono<ConsoleEnv>();

  app.get('/messages', async (c) => {
    const page = pageContext(c);
    const { t } = page;
    const key = c.get('operator').key;
    const fields = filterFieldsOf((name) => c.req.query(name));
    const cursor = c.req.query('cursor');
    const parsed = toMessageFilter(fields, t);
    const invalid = 'invalid' in parsed ? parsed.invalid : cursor !== undefined && !/^\d{1,16}$/.test(cursor) ? t('messages.badFilter', { field: 'cursor', problem: '' }) : undefined;
    const listed =
      'filter' in parsed && !invalid
        ? await gateway.store.listMessages({ ...parsed.filter, agencies: key.agencies }, { limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) })
        : undefined;
    return c.html(
      <Layout {...page} title={t('messages.title')} search={fields.q}>
        <FilterForm t={t} fields={fields} choices={choicesFor(gateway, key.agencies)} />
        {invalid && <Notice kind="error">{invalid}</Notice>}
        {listed && (
          <MessageTable t={t} fields={fields} messages={listed.messages.map((message) => listedMessage(gateway, message))} nextCursor={listed.nextCursor ?? null} />
        )}
      </Layout>,
      invalid ? 400 : 200,
    );
  });

  app.get('/messages/:id', async (c) => {
    const page = pageContext(c);
    const { t } = page;
    const message = await visibleMessage(c, gateway);
    const [attempts, audit, sameDossier] = await Promise.all([
      gateway.store.listAttempts(message.id),
      gateway.store.listAudit({ messageId: message.id }, 500),
      sameDossierOf(gateway, message, c.get('operator').key.agencies),
    ]);
    return c.html(
      <Layout {...page} title={t('detail.title', { id: message.id })}>
        {c.req.query('done') === 'cancelled' && <Notice kind="ok">{t('cancel.done', { id: message.id })}</Notice>}
        <MessageDetail t={t} message={listedMessage(gateway, message)} attempts={attempts.map(attemptView)} audit={audit.map(auditView)} sameDossier={sameDossier} />
      </Layout>,
    );
  });

  return app;
}

/** The message of the path, if the operator's key covers its agency; the console's 404 otherwise. */
export async function visibleMessage(c: Context<ConsoleEnv>, gateway: GatewayContext): Promise<MessageRecord> {
  const message = await gateway.store.getMessage(c.req.param('id') ?? '');
  if (!message || !coversAgency(c.get('operator').key, message.agency)) throw new ProblemError({ status: 404, title: 'Not found', kind: 'not-found' });
  return message;
}

/** The other messages and events of the message's dossier, oldest first, as far as the key sees. */
async function sameDossierOf(gateway: GatewayContext, message: MessageRecord, agencies: readonly string[]): Promise<SameDossierRow[]> {
  if (message.dossierCode === null) return [];
  const entries = await gateway.store.dossierTimeline(message.dossierCode, { agencies, limit: SAME_DOSSIER_SHOWN + 1 });
  return entries
    .filter((entry) => entry.kind !== 'record' && entry.id !== message.id)
    .slice(0, SAME_DOSSIER_SHOWN)
    .map((entry) => ({
      id: entry.id,
      at: entry.at,
      kind: entry.kind,
      capability: entry.kind === 'record' ? null : entry.capability,
      operation: entry.kind === 'record' ? null : entry.operation,
      status: entry.status,
    }));
}

/** What the filter's selects offer: the configured capabilities (and webhook events), instances and the key's agencies. */
function choicesFor(gateway: GatewayContext, agencies: readonly string[]): FilterChoices {
  const all = agencies.includes('*');
  return {
    capabilities: [...new Set([...gateway.instances.all.map((instance) => instance.plugin.capability), 'webhook'])].sort(),
    instances: gateway.instances.all.map((instance) => instance.id).sort(),
    agencies: [...gateway.config.agencies.keys()].filter((agency) => all || agencies.includes(agency)).sort(),
  };
}
