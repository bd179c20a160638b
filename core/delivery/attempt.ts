/** One attempt of a claimed message, and what its outcome means: succeeded, tried again later, or dead. */
import type { Logger } from 'pino';
import type { CompleteAttempt, MessageRecord } from '../store/types.ts';
import { gate } from '../runtime/gate.ts';
import type { InstanceRuntime, Instances } from '../runtime/instances.ts';
import type { PluginServices } from '../runtime/plugin-services.ts';
import { runOperation } from '../runtime/run-operation.ts';
import { eventMessages } from '../webhooks/event-messages.ts';
import { retryDelay } from './backoff.ts';
import type { Clock } from './clock.ts';

/** What an attempt takes from the worker that runs it. */
export interface AttemptSettings {
  clock: Clock;
  random: () => number;
  leaseOwner: string;
  instances: Instances;
  services: PluginServices;
  /** Shutdown: aborts the attempt, which then records nothing. */
  signal: AbortSignal;
}

/** Runs one attempt (or closes the message without one) and says what to record; undefined when shutdown cut it short. */
export async function attemptMessage(settings: AttemptSettings, instance: InstanceRuntime, message: MessageRecord, log: Logger): Promise<CompleteAttempt | undefined> {
  const startedAt = settings.clock.now();
  const base = { messageId: message.id, leaseOwner: settings.leaseOwner };
  const budgetSpent = message.attempts > message.maxAttempts;
  if (budgetSpent || startedAt >= message.expiresAt) {
    const error = budgetSpent ? 'attempt budget spent: the last attempt was interrupted' : 'max age reached';
    log.warn({ attempts: message.attempts, maxAttempts: message.maxAttempts }, `message dead: ${error}`);
    return {
      ...base,
      outcome: 'dead',
      now: startedAt,
      error,
      attempt: { number: message.attempts, startedAt, skipped: true },
      enqueue: deadEvents(settings.instances, message, error, startedAt),
    };
  }

  const ticket = gate.begin(instance, startedAt);
  log.debug(`attempt ${message.attempts} of ${message.maxAttempts}`);
  const outcome = await runOperation({
    instance,
    operation: message.operation,
    input: message.payload,
    messageId: message.id,
    sequence: message.sequence,
    attempt: message.attempts,
    triedBefore: message.totalAttempts > 1 || message.attempts > 1 || message.replays > 0,
    agency: message.agency,
    services: settings.services,
    signal: settings.signal,
  });
  const now = settings.clock.now();
  const attempt = { number: message.attempts, startedAt };
  gate.settle(instance, outcome, now, ticket);

  if (!outcome.ok && outcome.interrupted) {
    // Shutdown cut the attempt short: keep the lease so that `stop` releases the message and gives the attempt
    // back. Recording a retry here would spend the attempt (and on the last one, kill the message).
    log.info(`attempt ${message.attempts} of ${message.maxAttempts} interrupted by shutdown; released`);
    return undefined;
  }
  if (outcome.ok) return { ...base, outcome: 'succeeded', now, result: outcome.result ?? null, attempt };
  const nextAttemptAt = now + retryDelay(message.attempts, instance.policy, outcome.retryAfterMs, settings.random);
  const exhausted = message.attempts >= message.maxAttempts;
  const tooOld = nextAttemptAt >= message.expiresAt;
  const failure = { error: outcome.error, providerCode: outcome.providerCode, attempt };
  if (outcome.retryable && !exhausted && !tooOld) {
    log.warn({ err: outcome.error, code: outcome.providerCode, retryInMs: nextAttemptAt - now }, `attempt ${message.attempts} of ${message.maxAttempts} failed`);
    return { ...base, ...failure, outcome: 'retry', now, nextAttemptAt };
  }
  const reason = !outcome.retryable ? 'refused' : exhausted ? 'attempts exhausted' : 'max age reached';
  log.error({ err: outcome.error, code: outcome.providerCode }, `attempt ${message.attempts} of ${message.maxAttempts} failed; message dead (${reason})`);
  return { ...base, ...failure, outcome: 'dead', now, enqueue: deadEvents(settings.instances, message, outcome.error, now) };
}

/** `message.dead` for the subscriptions; never for a webhook message itself, so a dead receiver cannot loop. */
function deadEvents(instances: Instances, message: MessageRecord, error: string, now: number) {
  if (message.capability === 'webhook') return [];
  const data = { messageId: message.id, capability: message.capability, operation: message.operation, instance: message.instance, reference: message.reference, lastError: error };
  return eventMessages(instances, { type: 'message.dead', agency: message.agency, data }, now);
}
