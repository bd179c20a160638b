import { Hono } from 'hono';
import type { GatewayContext } from '../../gateway-context.ts';
import { refreshPauses } from '../../runtime/pauses.ts';
import type { ApiKeyRecord } from '../../store/types.ts';
import type { AppEnv } from '../env.ts';
import { type OverviewInstance, healthView, overviewView } from '../views.ts';
import { pauseView } from './admin-pauses.ts';

/**
 * What `GET /admin/v1/overview` answers and the console's overview shows, for a key covering `agencies`: per
 * instance its circuit, pause, health, queue, oldest waiting message and the last hour's attempts and failures;
 * counts per status × capability × agency. Read from the store's counters: as fast with millions of messages as with
 * none. A key limited to agencies sees their counts and the instances that serve them or hold their messages.
 */
export async function readOverview(gateway: GatewayContext, agencies: ApiKeyRecord['agencies']) {
  // The store, not this process's last poll, says what is paused: a pause made elsewhere shows at once.
  await refreshPauses(gateway.store, gateway.instances, gateway.log);
  const now = gateway.clock.now();
  const overview = await gateway.store.overview(now, agencies);
  const active = new Set(overview.instances.map((entry) => entry.instance));
  const configured: OverviewInstance[] = gateway.instances.all
    .filter((instance) => servesAny(instance.agencies, agencies) || active.has(instance.id))
    .map((instance) => ({
      id: instance.id,
      plugin: instance.plugin.id,
      capability: instance.plugin.capability,
      configured: true,
      circuit: instance.breaker.state(now),
      paused: pauseView(instance.pause),
      health: healthView(gateway.instances.health.known(instance), now),
    }));
  // Messages of an instance the configuration no longer names stay visible, so that none is forgotten.
  const known = new Set(gateway.instances.all.map((instance) => instance.id));
  const former: OverviewInstance[] = overview.instances
    .filter((entry) => !known.has(entry.instance))
    .map((entry) => ({ id: entry.instance, plugin: null, capability: entry.capability, configured: false, circuit: null, paused: null, health: null }));
  return overviewView(overview, now, [...configured, ...former]);
}

/** `GET /admin/v1/overview` (readOverview). */
export function adminOverviewRoutes(gateway: GatewayContext) {
  const app = new Hono<AppEnv>();
  app.get('/overview', async (c) => c.json(await readOverview(gateway, c.get('apiKey').agencies)));
  return app;
}

function servesAny(served: '*' | ReadonlySet<string>, agencies: ApiKeyRecord['agencies']): boolean {
  if (served === '*' || agencies.includes('*')) return true;
  return agencies.some((agency) => served.has(agency));
}
