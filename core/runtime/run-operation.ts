import * as v from 'valibot';
import { findOperation } from '../capabilities/index.ts';
import type { AnyPlugin } from '../sdk/contract.ts';
import { NotFoundError, PermanentError, RetryableError, errorMessage } from '../sdk/errors.ts';
import type { PluginServices } from './plugin-services.ts';
import type { InstanceRuntime } from './instances.ts';
import { operationContext } from './plugin-context.ts';
import { type Expiry, startDeadline } from './deadline.ts';

export type AttemptResult =
  | { ok: true; result: unknown }
  | {
      ok: false;
      retryable: boolean;
      error: string;
      providerCode?: string | undefined;
      retryAfterMs?: number | undefined;
      /** Cut short by the caller's signal (shutdown): no outcome was reached, so none should be recorded. */
      interrupted?: boolean;
      /** The provider (or the plugin's records) does not know what was asked about. */
      notFound?: boolean;
      /**
       * False when the provider is not at fault: the plugin said so (`RetryableError` with `providerFault: false`), or
       * the attempt timed out after this process was paused. The breaker does not count it.
       */
      providerFault?: boolean;
    };

export interface AttemptRequest {
  instance: InstanceRuntime;
  operation: string;
  input: unknown;
  messageId: string;
  sequence?: number;
  attempt: number;
  triedBefore?: boolean;
  agency: string;
  /** For a sync call: the API request's id, so the plugin's log lines can be found with it. */
  requestId?: string;
  /** The instance's records, events and callback URL, acting for whoever asked (worker or API key). */
  services: PluginServices;
  /** Aborts the attempt from outside (shutdown); the attempt's own timeout is added here. */
  signal?: AbortSignal;
}

/**
 * Runs one operation of a plugin with the instance's timeout and classifies the outcome. Used both by the
 * worker (async messages) and by the API edge (sync calls). Anything thrown that is not a `PermanentError`
 * counts as retryable: an unknown failure must not lose a message.
 */
export async function runOperation(request: AttemptRequest): Promise<AttemptResult> {
  const { instance } = request;
  const handler = instance.plugin.operations[request.operation];
  if (!handler) return { ok: false, retryable: false, error: `plugin '${instance.plugin.id}' has no operation '${request.operation}'` };
  const timeoutMs = instance.policy.timeoutMs;
  // One controller and one deadline, cancelled as soon as the attempt ends: AbortSignal.timeout and AbortSignal.any
  // would leave a timer and weak references behind for every attempt until its timeout had run out. Whatever ends
  // the attempt early (its deadline, shutdown) also rejects the race below directly, rather than through a second
  // listener on the signal, so that a plugin that ignores its signal cannot hold the attempt.
  const controller = new AbortController();
  const signal = controller.signal;
  let endedWith: { reason: unknown } | undefined;
  let end: ((reason: unknown) => void) | undefined;
  const abort = (reason: unknown) => {
    controller.abort(reason);
    endedWith ??= { reason: signal.reason };
    end?.(endedWith.reason);
  };
  let timedOut: Expiry | undefined;
  const deadline = startDeadline(timeoutMs, (expiry) => {
    timedOut = expiry;
    abort(new DOMException(`timed out after ${timeoutMs} ms`, 'TimeoutError'));
  });
  const outside = request.signal;
  const interrupt = () => abort(outside?.reason);
  if (outside?.aborted) interrupt();
  else outside?.addEventListener('abort', interrupt, { once: true });
  const ctx = operationContext(instance, request.services, {
    messageId: request.messageId,
    sequence: request.sequence,
    attempt: request.attempt,
    triedBefore: request.triedBefore,
    agency: request.agency,
    signal,
    log: instance.log.child(request.requestId ? { messageId: request.messageId, attempt: request.attempt, requestId: request.requestId } : { messageId: request.messageId, attempt: request.attempt }),
  });
  // Made once the plugin has been called: a plugin that throws at once leaves no rejected promise unheard.
  const ended = () =>
    new Promise<never>((_, reject) => {
      if (endedWith) reject(endedWith.reason);
      else end = reject;
    });
  try {
    // A plugin that ignores its signal must still not hold the attempt past its timeout.
    const result = await Promise.race([handler.run(request.input, ctx), ended()]);
    const breach = instance.checkOutputs ? outputBreach(instance, request.operation, result) : undefined;
    if (breach) return { ok: false, retryable: false, error: breach, providerCode: 'PLUGIN_OUTPUT' };
    return { ok: true, result };
  } catch (error) {
    if (timedOut) return timeoutResult(timeoutMs, timedOut);
    if (request.signal?.aborted) return { ok: false, retryable: true, error: 'interrupted by shutdown', providerCode: 'SHUTDOWN', interrupted: true };
    if (error instanceof PermanentError) {
      return { ok: false, retryable: false, error: error.message, providerCode: error.code, ...(error instanceof NotFoundError ? { notFound: true } : {}) };
    }
    if (error instanceof RetryableError) {
      return {
        ok: false,
        retryable: true,
        error: error.message,
        providerCode: error.code,
        retryAfterMs: error.retryAfterMs,
        ...(error.providerFault ? {} : { providerFault: false }),
      };
    }
    return { ok: false, retryable: true, error: errorMessage(error) };
  } finally {
    deadline.cancel();
    outside?.removeEventListener('abort', interrupt);
  }
}

/** A timeout after a pause of this process is not the provider's: it is retried without counting against it. */
function timeoutResult(timeoutMs: number, expiry: Expiry): AttemptResult {
  if (!expiry.afterPause) return { ok: false, retryable: true, error: `timed out after ${timeoutMs} ms`, providerCode: 'TIMEOUT' };
  const paused = `${Math.ceil(expiry.pausedMs / 1000)} s`;
  return {
    ok: false,
    retryable: true,
    error: `no answer within ${timeoutMs} ms, but the gateway process did not run for ${paused} meanwhile (stopped, a frozen VM or a blocked event loop), so the provider is not blamed; if this recurs, find what stops the process`,
    providerCode: 'TIMEOUT',
    providerFault: false,
  };
}

/** What is wrong with a plugin's result by its capability's output schema, in one line; undefined when nothing is. */
export function outputBreach(instance: { plugin: Pick<AnyPlugin, 'id' | 'capability'> }, operation: string, result: unknown): string | undefined {
  const spec = findOperation(instance.plugin.capability, operation);
  if (!spec || spec.binary) return undefined;
  const checked = v.safeParse(spec.output, result);
  if (checked.success) return undefined;
  // What was expected, never what was received: the value may be personal data.
  const issues = checked.issues.map((issue) => `${v.getDotPath(issue) ?? '(result)'}: expected ${issue.expected ?? issue.kind}`).join('; ');
  return `plugin '${instance.plugin.id}' answered ${instance.plugin.capability}/${operation} with a result its capability does not allow (${issues}); fix the plugin`;
}
