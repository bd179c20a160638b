import { Hono } from 'hono';
import * as v from 'valibot';
import type { GatewayContext } from '../../gateway-context.ts';
import type { AppEnv } from '../env.ts';
import { ProblemError, describeIssues, invalidInput } from '../problem.ts';
import { dossierView } from '../views.ts';

/** The most entries one answer holds, oldest first; `truncated` says there were more. */
export const DOSSIER_ENTRIES = 1000;

/** A dossier code as the capabilities take it (64 characters), or an SMS's reference (100). */
export const dossierCodeParam = v.pipe(v.string(), v.minLength(1, 'a dossier code is required'), v.maxLength(100, 'a dossier code is at most 100 characters'));

/** `GET /admin/v1/dossiers/{code}`: everything the gateway did for one dossier, in time order. */
export function adminDossierRoutes(gateway: GatewayContext) {
  const app = new Hono<AppEnv>();
  app.get('/dossiers/:code', async (c) => {
    const parsed = v.safeParse(dossierCodeParam, c.req.param('code'));
    if (!parsed.success) throw invalidInput(describeIssues(parsed.issues).map((issue) => ({ ...issue, path: 'code' })));
    const code = parsed.output;
    const entries = await gateway.store.dossierTimeline(code, { agencies: c.get('apiKey').agencies, limit: DOSSIER_ENTRIES + 1 });
    if (entries.length === 0) {
      throw new ProblemError({
        status: 404,
        title: 'Not found',
        kind: 'not-found',
        detail: 'the gateway has no message, payment or event for this dossier code (codes match exactly, e.g. 000.00.01.H22-260301-0001)',
      });
    }
    const capabilityOf = (instance: string) => gateway.instances.get(instance)?.plugin.capability;
    return c.json(dossierView(code, entries, DOSSIER_ENTRIES, capabilityOf));
  });
  return app;
}
