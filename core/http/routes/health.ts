import { Hono } from 'hono';
import type { GatewayContext } from '../../gateway-context.ts';
import { errorMessage } from '../../sdk/errors.ts';
import type { AppEnv } from '../env.ts';

/** `/healthz`: the process answers. `/readyz`: the store is reachable and its migrations applied. */
export function healthRoutes(gateway: GatewayContext) {
  const app = new Hono<AppEnv>();
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    try {
      await gateway.store.checkReady();
      return c.json({ status: 'ready' });
    } catch (error) {
      gateway.log.warn({ err: errorMessage(error) }, 'not ready');
      return c.json({ status: 'not ready', detail: 'the store is not reachable or not migrated' }, 503);
    }
  });
  return app;
}
