import { Hono } from 'hono';
import type { GatewayContext } from '../../gateway-context.ts';
import { errorMessage } from '../../sdk/errors.ts';
import { StoreUnavailableError } from '../../store/unavailable.ts';
import type { AppEnv } from '../env.ts';

/**
 * `/healthz`: the process answers. `/readyz`: the store is reachable, can write, and its migrations are applied;
 * while it cannot write, 503 with the reason, until its own probe finds it writable again.
 */
export function healthRoutes(gateway: GatewayContext) {
  const app = new Hono<AppEnv>();
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    try {
      await gateway.store.checkReady();
      return c.json({ status: 'ready' });
    } catch (error) {
      if (error instanceof StoreUnavailableError) {
        // Said once per outage by the worker: a load balancer asking every second would flood the log.
        return c.json({ status: 'not ready', detail: `the store cannot write: ${error.publicReason}` }, 503, { 'retry-after': String(error.retryAfterSeconds) });
      }
      gateway.log.warn({ err: errorMessage(error) }, 'not ready');
      return c.json({ status: 'not ready', detail: 'the store is not reachable or not migrated' }, 503);
    }
  });
  return app;
}
