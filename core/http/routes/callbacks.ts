import { Hono } from 'hono';
import type { GatewayContext } from '../../context.ts';
import { maskPersonalData } from '../../audit/mask.ts';
import type { CallbackOutcome } from '../../plugin.ts';
import { pluginServices } from '../../plugin-services.ts';
import type { AppEnv } from '../env.ts';
import { ProblemError } from '../problem.ts';

/** `POST /v1/callbacks/{instance}`: provider notifications, authenticated by the provider's signature. */
export function callbackRoutes(gateway: GatewayContext) {
  const app = new Hono<AppEnv>();
  app.post('/:instance', async (c) => {
    const instance = gateway.instances.get(c.req.param('instance'));
    const callbacks = instance?.plugin.callbacks;
    if (!instance || !callbacks) {
      throw new ProblemError({ status: 404, title: 'Not found', kind: 'not-found', detail: 'no instance takes callbacks here' });
    }
    const actor = `provider:${instance.id}`;
    const { records, emit } = pluginServices(gateway, instance.id, actor);
    const answer = await callbacks.handle(c.req.raw, {
      instance: instance.id,
      config: instance.config,
      log: instance.log.child({ requestId: c.get('requestId'), callback: true }),
      http: instance.http,
      records,
      emit,
    });
    const outcome: CallbackOutcome = answer instanceof Response ? { response: answer, accepted: answer.ok } : answer;
    // Every notice is on record, accepted or refused: a forged one included.
    await gateway.store.appendAudit([
      {
        at: gateway.clock.now(),
        actor,
        action: 'callback.received',
        instance: instance.id,
        summary: { ...(maskPersonalData(outcome.summary ?? {}) as Record<string, unknown>), status: outcome.response.status, accepted: outcome.accepted, requestId: c.get('requestId') },
      },
    ]);
    return outcome.response;
  });
  return app;
}
