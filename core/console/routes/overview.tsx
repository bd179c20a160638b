import { Hono } from 'hono';
import type { GatewayContext } from '../../gateway-context.ts';
import { readOverview } from '../../http/routes/admin-overview.ts';
import type { ConsoleEnv } from '../console-env.ts';
import type { LabelKey } from '../i18n.ts';
import { pageContext } from '../page-context.ts';
import { Layout, Notice } from '../views/layout.tsx';
import { OverviewLive } from '../views/overview-page.tsx';

/** What a redirect back to the overview says happened (`?done=paused&instance=…`). */
const DONE: Record<string, LabelKey> = { paused: 'pause.done', 'already-paused': 'pause.already', resumed: 'resume.done', 'not-paused': 'resume.notPaused' };

/** `/admin`: the overview, and `/admin/overview/live`, its part htmx refreshes. Both read the counters (readOverview). */
export function overviewRoutes(gateway: GatewayContext) {
  const app = new Hono<ConsoleEnv>();

  app.get('/', async (c) => {
    const page = pageContext(c);
    const { t } = page;
    const data = await readOverview(gateway, c.get('operator').key.agencies);
    const done = DONE[c.req.query('done') ?? ''];
    const instance = (c.req.query('instance') ?? '').slice(0, 100);
    return c.html(
      <Layout {...page} title={t('overview.title')}>
        {done && <Notice kind="ok">{t(done, { instance })}</Notice>}
        <OverviewLive t={t} data={data} />
      </Layout>,
    );
  });

  app.get('/overview/live', async (c) => {
    const data = await readOverview(gateway, c.get('operator').key.agencies);
    return c.html(<OverviewLive t={c.get('t')} data={data} />);
  });

  return app;
}
