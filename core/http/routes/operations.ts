import { Hono } from 'hono';
import { findOperation } from '../../capabilities/index.ts';
import { acceptedEntry } from '../../audit/entries.ts';
import { coversAgency } from '../../api-keys.ts';
import { buildMessage } from '../../delivery/new-message.ts';
import type { GatewayContext } from '../../gateway-context.ts';
import { newMessageId } from '../../ids.ts';
import type { AppEnv } from '../env.ts';
import { IdempotentSync, idempotencyConflict } from '../operations/idempotent-sync.ts';
import { prepare, validInput } from '../operations/input.ts';
import { callSync } from '../operations/sync-call.ts';
import { ProblemError, invalidInput } from '../problem.ts';
import { idempotencyKeyOf, requestHash } from '../request-hash.ts';

/** `POST /v1/{capability}/{operation}`: validate, route to the agency's instance, then queue (async) or call (sync). */
export function operationRoutes(gateway: GatewayContext) {
  const app = new Hono<AppEnv>();
  const idempotentSync = new IdempotentSync(gateway);

  app.post('/:capability/:operation', async (c) => {
    const { capability, operation } = c.req.param();
    const spec = findOperation(capability, operation);
    if (!spec || spec.internal) {
      throw new ProblemError({ status: 404, title: 'Unknown operation', kind: 'unknown-operation', detail: `no operation ${capability}/${operation}` });
    }
    const input = await validInput(c, spec);
    if (!gateway.config.agencies.has(input.agency)) throw invalidInput([{ path: 'agency', message: 'unknown agency' }]);
    const key = c.get('apiKey');
    if (!coversAgency(key, input.agency)) {
      throw new ProblemError({ status: 403, title: 'Forbidden', kind: 'forbidden', detail: 'this API key does not cover the agency' });
    }
    const instance = gateway.instances.route(capability, input.agency);
    if (!instance) {
      throw new ProblemError({ status: 404, title: 'No provider', kind: 'no-instance', detail: `no provider instance serves ${capability} for this agency` });
    }
    const prepared = prepare(instance, operation, input, spec);
    const idempotencyKey = idempotencyKeyOf(c.req.header('idempotency-key'));
    if (idempotencyKey instanceof Error) throw invalidInput([{ path: 'Idempotency-Key', message: idempotencyKey.message }]);
    const claim = idempotencyKey === undefined ? undefined : { scope: key.id, key: idempotencyKey, requestHash: requestHash(capability, operation, prepared) };

    if (spec.mode === 'async') {
      const message = buildMessage(instance, operation, prepared, gateway.clock.now());
      const accepted = await gateway.store.accept(message, { idempotency: claim, audit: acceptedEntry(message, `key:${key.id}`) });
      if (accepted.outcome === 'conflict') throw idempotencyConflict();
      if (accepted.outcome === 'accepted') gateway.notify(instance.id);
      const id = accepted.messageId;
      const headers: Record<string, string> = { location: `/v1/messages/${id}` };
      if (accepted.outcome === 'repeated') headers['idempotent-replayed'] = 'true';
      return c.json({ id, status: 'queued' }, 202, headers);
    }

    const call = (messageId: string) => callSync(c, gateway, instance, operation, spec, prepared, messageId);
    if (claim) return idempotentSync.answer(c, claim, spec.binary === true, call);
    return call(newMessageId(gateway.clock.now()));
  });

  return app;
}
