import { Hono } from 'hono';
import type { Context } from 'hono';
import type { GatewayContext } from '../../gateway-context.ts';
import { CANCEL_REASON_MAX, cancelMessage } from '../../runtime/operator-actions.ts';
import type { MessageRecord } from '../../store/types.ts';
import type { ConsoleEnv } from '../console-env.ts';
import { fieldOf, formOf } from '../operator-session.ts';
import { pageContext } from '../page-context.ts';
import { CsrfField, Layout, Notice } from '../views/layout.tsx';
import { visibleMessage } from './messages.tsx';

/** `/admin/messages/{id}/cancel`: a page that asks the reason and confirmation (GET), then cancels it for good (POST), audited. */
export function cancelRoutes(gateway: GatewayContext) {
  const app = new Hono<ConsoleEnv>();

  app.get('/messages/:id/cancel', async (c) => cancelPage(c, await visibleMessage(c, gateway)));

  app.post('/messages/:id/cancel', async (c) => {
    const message = await visibleMessage(c, gateway);
    const reason = fieldOf(await formOf(c), 'reason').trim();
    const t = c.get('t');
    if (!reason || reason.length > CANCEL_REASON_MAX || /[\x00-\x1f\x7f]/.test(reason)) return cancelPage(c, message, t('cancel.needReason'));
    const key = c.get('operator').key;
    const cancelled = await cancelMessage(gateway, message.id, `cancelled by operator (${key.id}): ${reason}`, `key:${key.id}`);
    if (!cancelled) return cancelPage(c, message, t('cancel.refused', { status: t(`status.${message.status}`) }));
    return c.redirect(`/admin/messages/${encodeURIComponent(message.id)}?done=cancelled`, 303);
  });

  return app;
}

function cancelPage(c: Context<ConsoleEnv>, message: MessageRecord, error?: string) {
  const page = pageContext(c);
  const { t } = page;
  const detail = `/admin/messages/${encodeURIComponent(message.id)}`;
  return c.html(
    <Layout {...page} title={t('cancel.title', { id: message.id })}>
      {error && <Notice kind="error">{error}</Notice>}
      <p>{t('cancel.intro')}</p>
      <form method="post" action={`${detail}/cancel`}>
        <CsrfField token={c.get('operator').session.csrfToken} />
        <div class="field">
          <label for="reason">{t('cancel.reason')}</label>
          <input id="reason" name="reason" type="text" required maxlength={CANCEL_REASON_MAX} />
        </div>
        <div class="actions">
          <button type="submit" class="danger">{t('cancel.confirm')}</button>
          <a href={detail}>{t('action.cancel')}</a>
        </div>
      </form>
    </Layout>,
    error ? 400 : 200,
  );
}
