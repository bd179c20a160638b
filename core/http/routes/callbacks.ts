import { Hono } from 'hono';
import { type GatewayContext, emitEvent } from '../../context.ts';
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
    const response = await callbacks.handle(c.req.raw, {
      instance: instance.id,
      config: instance.config,
      log: instance.log.child({ requestId: c.get('requestId'), callback: true }),
      http: instance.http,
      emit: (event) => emitEvent(gateway, event, actor),
    });
    // Every notice is on record, accepted or refused (a bad signature answers 4xx): a forged one included.
    await gateway.store.appendAudit([
      { at: gateway.clock.now(), actor, action: 'callback.received', instance: instance.id, summary: { status: response.status, accepted: response.ok, requestId: c.get('requestId') } },
    ]);
    return response;
  });
  return app;
}
