import { type Context, Hono } from 'hono';
import type { GatewayContext } from '../../gateway-context.ts';
import { maskPersonalData, maskText } from '../../audit/mask.ts';
import { errorMessage } from '../../sdk/errors.ts';
import type { CallbackOutcome } from '../../sdk/contract.ts';
import { callbackContext } from '../../runtime/plugin-context.ts';
import { pluginServices } from '../../runtime/plugin-services.ts';
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
    const services = pluginServices(gateway, instance.id, `provider:${instance.id}`);
    // Every notice is on record, accepted or refused (a forged one included), or one the plugin failed on.
    const audit = (summary: Record<string, unknown>) => auditCallback(gateway, c, instance.id, summary);
    let outcome: CallbackOutcome;
    try {
      const log = instance.log.child({ requestId: c.get('requestId'), callback: true });
      const answer = await callbacks.handle(c.req.raw, callbackContext(instance, services, log));
      outcome = 'response' in answer ? answer : { response: answer, accepted: answer.ok };
    } catch (error) {
      // The plugin's failure is the answer (a 500); an audit write failing too must not hide it.
      await audit({ status: 500, accepted: false, error: maskText(errorMessage(error)) }).catch((auditError: unknown) =>
        gateway.log.error({ err: errorMessage(auditError), requestId: c.get('requestId') }, 'could not audit a callback the plugin failed on'),
      );
      throw error;
    }
    await audit({ ...(maskPersonalData(outcome.summary ?? {}) as Record<string, unknown>), status: outcome.response.status, accepted: outcome.accepted });
    return outcome.response;
  });
  return app;
}

function auditCallback(gateway: GatewayContext, c: Context<AppEnv>, instance: string, summary: Record<string, unknown>): Promise<void> {
  return gateway.store.appendAudit([
    { at: gateway.clock.now(), actor: `provider:${instance}`, action: 'callback.received', instance, summary: { ...summary, requestId: c.get('requestId') } },
  ]);
}

const CALLBACK_PATH = /^\/v1\/callbacks\/([^/]+)$/;

/**
 * A notice over the body limit never reaches its plugin (the limit answers 413 before any route), but it is on
 * record like any refused notice, unread, when its path names an instance that takes callbacks.
 */
export async function auditOversizedCallback(gateway: GatewayContext, c: Context<AppEnv>): Promise<void> {
  const id = CALLBACK_PATH.exec(c.req.path)?.[1];
  const instance = id === undefined ? undefined : gateway.instances.get(id);
  if (!instance?.plugin.callbacks) return;
  const summary = { status: 413, accepted: false, reason: `the body is over ${gateway.config.bodyLimitBytes} bytes` };
  await auditCallback(gateway, c, instance.id, summary).catch((error: unknown) =>
    gateway.log.error({ err: errorMessage(error), requestId: c.get('requestId') }, 'could not audit an oversized callback'),
  );
}
