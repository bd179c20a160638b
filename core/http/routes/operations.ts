import type { Context } from 'hono';
import { Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import * as v from 'valibot';
import { type OperationSpec, findOperation } from '../../capabilities/index.ts';
import { type GatewayContext } from '../../gateway-context.ts';
import { runOperation } from '../../runtime/run-operation.ts';
import { pluginServices } from '../../runtime/plugin-services.ts';
import type { InstanceRuntime } from '../../runtime/instances.ts';
import { acceptedEntry, syncCallEntry } from '../../audit/entries.ts';
import { buildMessage } from '../../delivery/messages.ts';
import { InputError, errorMessage } from '../../sdk/errors.ts';
import { derivedMessageId, newMessageId } from '../../ids.ts';
import { coversAgency } from '../../api-keys.ts';
import type { AppEnv } from '../env.ts';
import { ProblemError, describeIssues, invalidInput, malformedJson, problemResponse } from '../problem.ts';
import { idempotencyKeyOf, requestHash } from '../request-hash.ts';

type Input = { agency: string } & Record<string, unknown>;

/** `POST /v1/{capability}/{operation}`: validate, route to the agency's instance, then queue (async) or call (sync). */
export function operationRoutes(gateway: GatewayContext) {
  const app = new Hono<AppEnv>();
  const syncInFlight = new Set<string>();

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
    const prepared = prepare(instance, operation, input);
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

    if (claim) {
      const stored = await gateway.store.getStoredResponse(claim.scope, claim.key);
      // A key first used by an async request holds no answer: it is that request's, not this one's.
      if (stored && (stored.requestHash !== claim.requestHash || stored.status === null || stored.body === null)) throw idempotencyConflict();
      if (stored?.body) {
        const contentType = stored.status === 200 ? 'application/json' : 'application/problem+json';
        return c.body(stored.body, (stored.status ?? 200) as ContentfulStatusCode, { 'content-type': contentType, 'idempotent-replayed': 'true' });
      }
      const inFlightKey = `${claim.scope}\n${claim.key}`;
      if (syncInFlight.has(inFlightKey)) {
        throw new ProblemError({ status: 409, title: 'Request in progress', kind: 'idempotency-in-progress', detail: 'a request with this Idempotency-Key is still running' });
      }
      syncInFlight.add(inFlightKey);
      try {
        // The same request under the same key: the provider hears it under the first call's id. Another body under
        // the key (after a 502, nothing is stored) is another request, and gets another id.
        const messageId = derivedMessageId(`${claim.scope}\n${claim.key}\n${claim.requestHash}`);
        const response = await callSync(c, gateway, instance, operation, spec, prepared, messageId).catch((error: unknown) => {
          // A refusal is the provider's final answer to this request: a repeat gets it again, as a success does.
          if (error instanceof ProblemError && error.problem.kind === 'provider-refused') return problemResponse(c, error.problem);
          throw error;
        });
        // A file is not kept: the store holds text bodies without their headers, so a repeat fetches it again.
        if ((response.status === 200 && !spec.binary) || response.status === 422) {
          await gateway.store.storeResponse(claim.scope, claim.key, {
            requestHash: claim.requestHash,
            status: response.status,
            body: await response.clone().text(),
            createdAt: gateway.clock.now(),
          });
        }
        return response;
      } finally {
        syncInFlight.delete(inFlightKey);
      }
    }
    return callSync(c, gateway, instance, operation, spec, prepared, newMessageId(gateway.clock.now()));
  });

  return app;
}

async function validInput(c: Context<AppEnv>, spec: OperationSpec): Promise<Input> {
  const text = await c.req.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw malformedJson();
  }
  const parsed = v.safeParse(spec.input, body);
  if (!parsed.success) throw invalidInput(describeIssues(parsed.issues));
  return parsed.output as Input;
}

function prepare(instance: InstanceRuntime, operation: string, input: Input): Input {
  const handler = instance.plugin.operations[operation];
  if (!handler?.prepare) return input;
  try {
    return handler.prepare(input, { instance: instance.id, config: instance.config }) as Input;
  } catch (error) {
    if (error instanceof InputError) throw invalidInput(error.issues);
    throw error;
  }
}

const idempotencyConflict = () =>
  new ProblemError({ status: 422, title: 'Idempotency-Key reused', kind: 'idempotency-conflict', detail: 'this Idempotency-Key was used with another request' });

/** A sync call goes straight to the provider, guarded by the instance's circuit breaker and rate limit. */
async function callSync(
  c: Context<AppEnv>,
  gateway: GatewayContext,
  instance: InstanceRuntime,
  operation: string,
  spec: OperationSpec,
  input: Input,
  messageId: string,
): Promise<Response> {
  const now = gateway.clock.now();
  const retryIn = String(Math.ceil(instance.policy.breakerCooldownMs / 1000));
  if (instance.breaker.allowance(now) < 1) {
    throw new ProblemError({ status: 503, title: 'Provider unavailable', kind: 'circuit-open', detail: `the circuit of instance ${instance.id} is open`, headers: { 'retry-after': retryIn } });
  }
  if (instance.limiter.available(now) < 1) {
    throw new ProblemError({ status: 503, title: 'Provider rate limit', kind: 'rate-limited', detail: `instance ${instance.id} is at its rate limit`, headers: { 'retry-after': '1' } });
  }
  instance.limiter.take(1, now);
  instance.breaker.started(now);
  const actor = `key:${c.get('apiKey').id}`;
  const services = pluginServices(gateway, instance.id, actor);
  const outcome = await runOperation({ instance, operation, input, messageId, attempt: 1, agency: input.agency, requestId: c.get('requestId'), services });
  // On record, but off the answer's path: the call itself changes nothing the gateway stores (a plugin's record
  // changes are audited on their own, in their transactions).
  const entry = syncCallEntry({ id: messageId, instance: instance.id, capability: instance.plugin.capability, operation, input, actor, startedAt: now, finishedAt: gateway.clock.now(), outcome });
  gateway.store.appendAudit([entry]).catch((error: unknown) => gateway.log.error({ err: errorMessage(error), requestId: c.get('requestId') }, 'could not audit a sync call'));
  if (outcome.ok) {
    instance.breaker.succeeded();
    if (spec.binary) return fileResponse(c, outcome.result);
    return c.json(outcome.result as object, 200);
  }
  if (!outcome.retryable) {
    instance.breaker.settled();
    if (outcome.notFound) throw new ProblemError({ status: 404, title: 'Not found', kind: 'not-found', detail: outcome.error });
    throw new ProblemError({ status: 422, title: 'Provider refused', kind: 'provider-refused', detail: outcome.error });
  }
  instance.breaker.failed(gateway.clock.now());
  const timedOut = outcome.providerCode === 'TIMEOUT';
  throw new ProblemError({
    status: timedOut ? 504 : 502,
    title: timedOut ? 'Provider timeout' : 'Provider error',
    kind: timedOut ? 'provider-timeout' : 'provider-error',
    detail: outcome.error,
    ...(outcome.retryAfterMs ? { headers: { 'retry-after': String(Math.ceil(outcome.retryAfterMs / 1000)) } } : {}),
  });
}

function fileResponse(c: Context<AppEnv>, result: unknown): Response {
  const file = result as { contentType: string; filename?: string; sha256: string; body: Uint8Array };
  const headers: Record<string, string> = { 'content-type': file.contentType, 'x-content-sha256': file.sha256 };
  if (file.filename) headers['content-disposition'] = `attachment; filename="${file.filename.replace(/["\\\r\n]/g, '_')}"`;
  return c.body(new Uint8Array(file.body), 200, headers);
}
