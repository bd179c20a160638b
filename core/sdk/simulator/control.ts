/**
 * The controls every simulator answers: `POST /__control` (the fault settings, and the simulator's own settings when
 * it has some), `GET /__received` and `DELETE /__received`. A field `/__control` does not know is refused.
 */
import { Hono } from 'hono';
import * as v from 'valibot';
import type { FaultInjector } from './faults.ts';

/** What the controls need of a simulator's ReceivedLedger, whatever it holds. */
interface ReceivedListing {
  list(): unknown[];
  clear(): void;
}

const faultEntries = {
  failRate: v.optional(v.pipe(v.number(), v.minValue(0), v.maxValue(1))),
  failMode: v.optional(v.picklist(['transient', 'permanent', 'timeout'])),
  latencyMs: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(120_000))),
};
const faultSettings = v.object(faultEntries);

/**
 * A simulator's own `/__control` fields (their names other than the fault fields'), and what to do with them.
 * `apply` gets only the fields given, once all of the request is valid; what it answers joins the fault settings
 * in the response.
 */
export interface SimulatorSettings<Entries extends v.ObjectEntries> {
  entries: Entries;
  apply(settings: v.InferOutput<v.ObjectSchema<Entries, undefined>>): Record<string, unknown> | undefined;
}

/** Builds a simulator's own settings, with the types of `apply`'s argument taken from `entries`. */
export function simulatorSettings<Entries extends v.ObjectEntries>(settings: SimulatorSettings<Entries>): SimulatorSettings<Entries> {
  return settings;
}

/** Applies the simulator's own fields of a valid request body. */
function ownApplier<Entries extends v.ObjectEntries>(own: SimulatorSettings<Entries>): (body: unknown) => Record<string, unknown> | undefined {
  const schema = v.object(own.entries);
  return (body) => own.apply(v.parse(schema, body));
}

function problem(errors: Array<{ path: string; message: string }>): Response {
  const body = { type: 'about:blank', title: 'Invalid control settings', status: 400, errors };
  return new Response(JSON.stringify(body), { status: 400, headers: { 'content-type': 'application/problem+json' } });
}

/** The routes for `app.route('/', …)`: `faults` and the simulator's own settings set, `received` listed and cleared. */
export function controlRoutes<Entries extends v.ObjectEntries = Record<never, never>>(
  faults: FaultInjector,
  received: ReceivedListing,
  own?: SimulatorSettings<Entries>,
): Hono {
  const applyOwn = own ? ownApplier(own) : () => undefined;
  const allowed = v.strictObject({ ...faultEntries, ...own?.entries });
  const unknownSetting = `is not a setting of this simulator; its settings are ${Object.keys(allowed.entries).join(', ')}`;
  const app = new Hono();
  app.post('/__control', async (c) => {
    const body: unknown = await c.req.json().catch(() => undefined);
    const parsed = v.safeParse(allowed, body);
    if (!parsed.success) {
      return problem(
        parsed.issues.map((issue) => ({
          path: v.getDotPath(issue) ?? '',
          message: issue.type === 'strict_object' ? unknownSetting : issue.message,
        })),
      );
    }
    Object.assign(faults.settings, v.parse(faultSettings, body));
    return c.json({ ...faults.settings, ...applyOwn(body) });
  });
  app.get('/__received', (c) => c.json(received.list()));
  app.delete('/__received', (c) => {
    received.clear();
    return c.body(null, 204);
  });
  return app;
}
