import type { Context } from 'hono';
import type { OperationSpec } from '../../capabilities/index.ts';
import { syncCallEntry } from '../../audit/entries.ts';
import type { GatewayContext } from '../../gateway-context.ts';
import { gate } from '../../runtime/gate.ts';
import type { InstanceRuntime } from '../../runtime/instances.ts';
import { pausedProblem } from '../paused-problem.ts';
import { pluginServices } from '../../runtime/plugin-services.ts';
import { runOperation } from '../../runtime/run-operation.ts';
import type { AppEnv } from '../env.ts';
import { ProblemError } from '../problem.ts';
import type { Input } from './input.ts';

/** A sync call goes straight to the provider, guarded by the instance's circuit breaker and rate limit. */
export async function callSync(
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
  const refusal = gate.refusal(instance, now);
  if (refusal === 'paused' && instance.pause) throw pausedProblem(instance.pause);
  if (refusal === 'circuit-open') {
    throw new ProblemError({ status: 503, title: 'Provider unavailable', kind: 'circuit-open', detail: `the circuit of instance ${instance.id} is open`, headers: { 'retry-after': retryIn } });
  }
  if (refusal === 'rate-limited') {
    throw new ProblemError({ status: 503, title: 'Provider rate limit', kind: 'rate-limited', detail: `instance ${instance.id} is at its rate limit`, headers: { 'retry-after': '1' } });
  }
  gate.reserve(instance, 1, now);
  const ticket = gate.begin(instance, now);
  const actor = `key:${c.get('apiKey').id}`;
  const services = pluginServices(gateway, instance.id, actor);
  const outcome = await runOperation({ instance, operation, input, messageId, attempt: 1, agency: input.agency, requestId: c.get('requestId'), services });
  // On record, but off the answer's path: the call itself changes nothing the gateway stores (a plugin's record
  // changes are audited on their own, in their transactions).
  const entry = syncCallEntry({ id: messageId, instance: instance.id, capability: instance.plugin.capability, operation, input, actor, startedAt: now, finishedAt: gateway.clock.now(), outcome });
  gateway.auditAfterAnswer(entry);
  gate.settle(instance, outcome, gateway.clock.now(), ticket);
  if (outcome.ok) {
    if (spec.binary) return fileResponse(c, outcome.result);
    return c.json(outcome.result as object, 200);
  }
  if (!outcome.retryable) {
    // The plugin's bug, not the provider's answer: not the caller's final answer either, so nothing is stored for a repeat.
    if (outcome.providerCode === 'PLUGIN_OUTPUT') throw new ProblemError({ status: 502, title: 'Plugin error', kind: 'plugin-output', detail: outcome.error });
    if (outcome.notFound) throw new ProblemError({ status: 404, title: 'Not found', kind: 'not-found', detail: outcome.error });
    throw new ProblemError({ status: 422, title: 'Provider refused', kind: 'provider-refused', detail: outcome.error });
  }
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
