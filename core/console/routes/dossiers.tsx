import { Hono } from 'hono';
import { maskText } from '../../audit/mask.ts';
import type { GatewayContext } from '../../gateway-context.ts';
import { DOSSIER_ENTRIES } from '../../http/routes/admin-dossiers.ts';
import { dossierView } from '../../http/views.ts';
import type { ConsoleEnv } from '../console-env.ts';
import { pageContext } from '../page-context.ts';
import { DossierTimeline } from '../views/dossier-page.tsx';
import { Layout, Notice } from '../views/layout.tsx';

/** `/admin/dossiers/{code}`: the dossier's timeline as the admin API gives it (store.dossierTimeline, dossierView). */
export function dossierRoutes(gateway: GatewayContext) {
  const app = new Hono<ConsoleEnv>();
  app.get('/dossiers/:code', async (c) => {
    const page = pageContext(c);
    const { t } = page;
    const code = (c.req.param('code') ?? '').slice(0, 100);
    // Shown masked: a code typed in the search box may be anything, a phone number included.
    const shown = maskText(code);
    const entries = code ? await gateway.store.dossierTimeline(code, { agencies: c.get('operator').key.agencies, limit: DOSSIER_ENTRIES + 1 }) : [];
    const capabilityOf = (instance: string) => gateway.instances.get(instance)?.plugin.capability;
    return c.html(
      <Layout {...page} title={t('dossier.title', { code: shown })} search={shown}>
        {entries.length === 0 ? <Notice kind="info">{t('dossier.none', { code: shown })}</Notice> : <DossierTimeline t={t} timeline={dossierView(code, entries, DOSSIER_ENTRIES, capabilityOf)} />}
      </Layout>,
      entries.length === 0 ? 404 : 200,
    );
  });
  return app;
}
