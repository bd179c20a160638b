import { Hono } from 'hono';
import type { Context } from 'hono';
import type { Child } from 'hono/jsx';
import { coversAgency } from '../../api-keys.ts';
import type { GatewayContext } from '../../gateway-context.ts';
import { replayMessages } from '../../runtime/operator-actions.ts';
import type { MessageRecord, ReplayPlan } from '../../store/types.ts';
import type { ConsoleEnv } from '../console-env.ts';
import { filterFieldsOf, filterQuery, toMessageFilter } from '../message-filter.ts';
import { fieldOf, formOf } from '../operator-session.ts';
import { pageContext } from '../page-context.ts';
import { withQuery } from '../views/bits.tsx';
import { Layout, Notice } from '../views/layout.tsx';
import { ReplayDone, ReplayPlanView, type ReplayScope } from '../views/replay-pages.tsx';

/** At most this many messages are replayed by selection (four pages); more is a replay by filter. */
const MAX_SELECTED = 200;

/**
 * `/admin/replay`: GET is the dry run of a replay — of the selected messages (`scope=selected&ids=…`) or of every dead
 * message the filter matches (`scope=filter&…`), not only the page shown — and POST (with the form token) does it,
 * audited with the operator's key id, through the same runtime function as the admin API.
 */
export function replayRoutes(gateway: GatewayContext) {
  const app = new Hono<ConsoleEnv>();

  app.get('/replay', async (c) => respond(c, gateway, scopeOf((name) => c.req.query(name), c.req.queries('ids') ?? []), 'plan'));

  app.post('/replay', async (c) => {
    const form = await formOf(c);
    const ids = form.ids ?? [];
    return respond(c, gateway, scopeOf((name) => fieldOf(form, name), Array.isArray(ids) ? ids : [ids]), 'replay');
  });

  return app;
}

function scopeOf(read: (name: string) => string | undefined, ids: string[]): ReplayScope {
  if (read('scope') === 'filter') return { scope: 'filter', fields: filterFieldsOf(read) };
  return { scope: 'selected', ids: [...new Set(ids.map((id) => id.trim()).filter((id) => id.length > 0 && id.length <= 100))].slice(0, MAX_SELECTED) };
}

async function respond(c: Context<ConsoleEnv>, gateway: GatewayContext, target: ReplayScope, step: 'plan' | 'replay') {
  const page = pageContext(c);
  const { t } = page;
  const { key, session } = c.get('operator');
  const back = target.scope === 'filter' ? withQuery('/admin/messages', filterQuery(target.fields)) : target.ids.length === 1 ? `/admin/messages/${encodeURIComponent(target.ids[0] as string)}` : '/admin/messages';
  const render = (body: Child, status: 200 | 400 = 200, title = t('replay.title')) =>
    c.html(
      <Layout {...page} title={title}>
        {body}
      </Layout>,
      status,
    );

  if (target.scope === 'selected') {
    if (target.ids.length === 0) return render(<><Notice kind="error">{t('replay.noneSelected')}</Notice><p><a href={back}>{t('action.cancel')}</a></p></>, 400);
    // Only the dead messages the key may see are replayed; the others are left out of the count, and of the replay.
    const messages = await Promise.all(target.ids.map((id) => gateway.store.getMessage(id)));
    const dead = messages.filter((message): message is MessageRecord => message !== undefined && message.status === 'dead' && coversAgency(key, message.agency));
    if (step === 'replay') {
      const queued = await replayMessages(gateway, { ids: dead.map((message) => message.id) }, `key:${key.id}`);
      gateway.log.info({ keyId: key.id, requestId: c.get('requestId'), messageIds: queued }, 'operator replayed messages from the console');
      return render(<ReplayDone t={t} queued={queued} target={target} />, 200, t('replay.doneTitle'));
    }
    const plan: ReplayPlan = { total: dead.length, byInstance: {} };
    for (const message of dead) plan.byInstance[message.instance] = (plan.byInstance[message.instance] ?? 0) + 1;
    return render(<ReplayPlanView t={t} target={target} plan={plan} csrfToken={session.csrfToken} back={back} />);
  }

  const parsed = toMessageFilter(target.fields, t);
  if ('invalid' in parsed) return render(<Notice kind="error">{parsed.invalid}</Notice>, 400);
  const filter = { ...parsed.filter, agencies: key.agencies };
  if (step === 'replay') {
    const queued = await replayMessages(gateway, { filter }, `key:${key.id}`);
    gateway.log.info({ keyId: key.id, requestId: c.get('requestId'), queued: queued.length, filter: filterQuery(target.fields) }, 'operator replayed messages by filter from the console');
    return render(<ReplayDone t={t} queued={queued} target={target} />, 200, t('replay.doneTitle'));
  }
  const plan = await gateway.store.planReplay(filter);
  return render(<ReplayPlanView t={t} target={target} plan={plan} csrfToken={session.csrfToken} back={back} />);
}
