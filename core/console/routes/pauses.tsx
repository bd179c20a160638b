import { Hono } from 'hono';
import type { Context } from 'hono';
import * as v from 'valibot';
import { INPUT_CHECKS } from '../../capabilities/messages.ts';
import type { GatewayContext } from '../../gateway-context.ts';
import { ProblemError } from '../../http/problem.ts';
import { PAUSE_REASON_MAX, adminPauseBody } from '../../http/routes/admin-pauses.ts';
import type { InstanceRuntime } from '../../runtime/instances.ts';
import { pauseInstance, pauseRefusal, resumeInstance } from '../../runtime/pauses.ts';
import type { ConsoleEnv } from '../console-env.ts';
import { fieldOf, formOf } from '../operator-session.ts';
import { pageContext } from '../page-context.ts';
import { CsrfField, Layout, Notice } from '../views/layout.tsx';

/**
 * `/admin/instances/{id}/pause` and `/resume`: a confirmation page (GET), then the action (POST), through the same
 * runtime functions as the admin API; audited with the operator's key id; back to the overview, which says so.
 */
export function pauseRoutes(gateway: GatewayContext) {
  const app = new Hono<ConsoleEnv>();
  const actor = (c: Context<ConsoleEnv>) => `key:${c.get('operator').key.id}`;

  app.get('/instances/:id/pause', (c) => confirmPage(c, instanceOf(c, gateway), 'pause'));
  app.get('/instances/:id/resume', (c) => confirmPage(c, instanceOf(c, gateway), 'resume'));

  app.post('/instances/:id/pause', async (c) => {
    const instance = instanceOf(c, gateway);
    const reason = fieldOf(await formOf(c), 'reason').trim();
    const parsed = v.safeParse(adminPauseBody, reason ? { reason } : {}, INPUT_CHECKS);
    if (!parsed.success) return confirmPage(c, instance, 'pause', c.get('t')('pause.badReason'));
    const { created } = await pauseInstance(gateway, instance, { actor: actor(c), reason: parsed.output.reason });
    return c.redirect(`/admin?done=${created ? 'paused' : 'already-paused'}&instance=${encodeURIComponent(instance.id)}`, 303);
  });

  app.post('/instances/:id/resume', async (c) => {
    const instance = instanceOf(c, gateway);
    const resumed = await resumeInstance(gateway, instance, actor(c));
    return c.redirect(`/admin?done=${resumed ? 'resumed' : 'not-paused'}&instance=${encodeURIComponent(instance.id)}`, 303);
  });

  return app;
}

/** The instance of the path, if the key may pause it (404 otherwise, or 403 saying which agencies it lacks). */
function instanceOf(c: Context<ConsoleEnv>, gateway: GatewayContext): InstanceRuntime {
  const instance = gateway.instances.get(c.req.param('id') ?? '');
  if (!instance) throw new ProblemError({ status: 404, title: 'Not found', kind: 'not-found' });
  const refusal = pauseRefusal(c.get('operator').key.agencies, instance);
  if (refusal) throw new ProblemError({ status: 403, title: 'Forbidden', kind: 'forbidden', detail: refusal });
  return instance;
}

function confirmPage(c: Context<ConsoleEnv>, instance: InstanceRuntime, action: 'pause' | 'resume', error?: string) {
  const page = pageContext(c);
  const { t } = page;
  const path = `/admin/instances/${encodeURIComponent(instance.id)}/${action}`;
  return c.html(
    <Layout {...page} title={t(`${action}.title`, { instance: instance.id })}>
      {error && <Notice kind="error">{error}</Notice>}
      <p>{t(`${action}.intro`)}</p>
      <form method="post" action={path}>
        <CsrfField token={c.get('operator').session.csrfToken} />
        {action === 'pause' && (
          <div class="field">
            <label for="reason">{t('pause.reason')}</label>
            <input id="reason" name="reason" type="text" maxlength={PAUSE_REASON_MAX} />
          </div>
        )}
        <div class="actions">
          <button type="submit" class={action === 'pause' ? 'danger' : ''}>
            {t(`${action}.confirm`)}
          </button>
          <a href="/admin">{t('action.cancel')}</a>
        </div>
      </form>
    </Layout>,
    error ? 400 : 200,
  );
}
