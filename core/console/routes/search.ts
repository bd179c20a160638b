import { Hono } from 'hono';
import { coversAgency } from '../../api-keys.ts';
import type { GatewayContext } from '../../gateway-context.ts';
import type { ConsoleEnv } from '../console-env.ts';

/**
 * `GET /admin/search?q=`: the search box of every page. A message id the key may see opens that message; a dossier
 * code with anything the gateway did for it opens the dossier; anything else is a text search of the messages.
 */
export function searchRoutes(gateway: GatewayContext) {
  const app = new Hono<ConsoleEnv>();
  app.get('/search', async (c) => {
    const q = (c.req.query('q') ?? '').trim().slice(0, 200);
    if (!q) return c.redirect('/admin/messages', 303);
    const key = c.get('operator').key;
    const message = await gateway.store.getMessage(q);
    if (message && coversAgency(key, message.agency)) return c.redirect(`/admin/messages/${encodeURIComponent(message.id)}`, 303);
    if (q.length <= 100) {
      const timeline = await gateway.store.dossierTimeline(q, { agencies: key.agencies, limit: 1 });
      if (timeline.length > 0) return c.redirect(`/admin/dossiers/${encodeURIComponent(q)}`, 303);
    }
    return c.redirect(`/admin/messages?q=${encodeURIComponent(q)}`, 303);
  });
  return app;
}
