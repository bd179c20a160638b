import { Hono } from 'hono';
import type { GatewayContext } from '../../gateway-context.ts';
import type { ApiKeyRecord } from '../../store/types.ts';
import type { AppEnv } from '../env.ts';
import { type OverviewInstance, overviewView } from '../views.ts';

/**
 * `GET /admin/v1/overview`: per instance its circuit, queue, oldest waiting message and the last hour's attempts and
 * failures; counts per status × capability × agency. Read from the store's counters: as fast with millions of
 * messages as with none. A key limited to agencies sees their counts and the instances that serve them or hold their messages.
 */
export function adminOverviewRoutes(gateway: GatewayContext) {
  const app = new Hono<AppEnv>();
  app.get('/overview', async (c) => {
    const key = c.get('apiKey');
    const now = gateway.clock.now();
    const overview = await gateway.store.overview(now, key.agencies);
    const active = new Set(overview.instances.map((entry) => entry.instance));
    const configured: OverviewInstance[] = gateway.instances.all
      .filter((instance) => servesAny(instance.agencies, key) || active.has(instance.id))
      .map((instance) => ({ id: instance.id, plugin: instance.plugin.id, capability: instance.plugin.capability, configured: true, circuit: instance.breaker.state(now) }));
    // Messages of an instance the configuration no longer names stay visible, so that none is forgotten.
    const known = new Set(gateway.instances.all.map((instance) => instance.id));
    const former: OverviewInstance[] = overview.instances
      .filter((entry) => !known.has(entry.instance))
      .map((entry) => ({ id: entry.instance, plugin: null, capability: entry.capability, configured: false, circuit: null }));
    return c.json(overviewView(overview, now, [...configured, ...former]));
  });
  return app;
}

function servesAny(served: '*' | ReadonlySet<string>, key: Pick<ApiKeyRecord, 'agencies'>): boolean {
  if (served === '*' || key.agencies.includes('*')) return true;
  return key.agencies.some((agency) => served.has(agency));
}
