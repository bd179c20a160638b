import { maskPersonalData, maskText } from '../audit/mask.ts';
import type { CircuitState } from '../runtime/circuit-breaker.ts';
import type { KnownHealth } from '../runtime/health-monitor.ts';
import type { InstanceRuntime } from '../runtime/instances.ts';
import type { AttemptRecord, AuditEntry, InstanceQueueStats, MessageRecord } from '../store/types.ts';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/**
 * What a queued message waits for besides its time: its instance paused by an operator, or its instance's open
 * circuit (no attempt is spent meanwhile).
 */
export type WaitingFor = 'paused' | 'circuit' | null;

/** A message as `GET /v1/messages/{id}` shows it to the caller that sent it. */
export function messageView(message: MessageRecord, waitingFor: WaitingFor = null) {
  return {
    id: message.id,
    capability: message.capability,
    operation: message.operation,
    agency: message.agency,
    instance: message.instance,
    plugin: message.plugin,
    status: message.status,
    attempts: message.attempts,
    totalAttempts: message.totalAttempts,
    maxAttempts: message.maxAttempts,
    nextAttemptAt: message.status === 'queued' ? iso(message.nextAttemptAt) : null,
    waitingFor: message.status === 'queued' ? waitingFor : null,
    lastError: message.lastError,
    result: message.result,
    reference: message.reference,
    createdAt: iso(message.createdAt),
    updatedAt: iso(message.updatedAt),
  };
}

/** What operators see: the same, with the payload, its personal data masked. */
export function operatorMessageView(message: MessageRecord, waitingFor: WaitingFor = null) {
  return {
    ...messageView(message, waitingFor),
    lastError: message.lastError === null ? null : maskText(message.lastError),
    // The caller's own reference may hold a phone or an identity number (it is free text).
    reference: message.reference === null ? null : maskText(message.reference),
    orderingKey: message.orderingKey,
    replays: message.replays,
    cancelledAt: iso(message.cancelledAt),
    payloadPurgedAt: iso(message.payloadPurgedAt),
    expiresAt: iso(message.expiresAt),
    result: maskPersonalData(message.result),
    payload: maskPersonalData(message.payload),
  };
}

export function attemptView(attempt: AttemptRecord) {
  return {
    round: attempt.round,
    number: attempt.number,
    startedAt: iso(attempt.startedAt),
    finishedAt: iso(attempt.finishedAt),
    durationMs: attempt.finishedAt - attempt.startedAt,
    outcome: attempt.outcome,
    error: attempt.error === null ? null : maskText(attempt.error),
    providerCode: attempt.providerCode,
  };
}

/** An audit entry as operators read it: its time in ISO form beside the exact fields its hash covers. */
export function auditView(entry: AuditEntry) {
  return { ...entry, time: iso(entry.at) };
}

/**
 * A plugin instance as `GET /admin/v1/instances` shows it. Its health is the last background check's, with when it
 * ended and its age (`ok` null until the first check ends); null when the plugin has no health check.
 */
export function instanceView(instance: InstanceRuntime, state: { circuit: CircuitState; queue: InstanceQueueStats | undefined; health: KnownHealth | undefined }, now: number) {
  const { queue, health } = state;
  return {
    id: instance.id,
    plugin: instance.plugin.id,
    capability: instance.plugin.capability,
    agencies: instance.agencies === '*' ? ['*'] : [...instance.agencies],
    circuit: state.circuit,
    queue: { queued: queue?.queued ?? 0, processing: queue?.processing ?? 0, dead: queue?.dead ?? 0, succeeded: queue?.succeeded ?? 0 },
    oldestWaitingAgeMs: queue?.oldestWaitingAt == null ? null : now - queue.oldestWaitingAt,
    health:
      health === undefined
        ? null
        : {
            ok: health.report?.ok ?? null,
            ...(health.report?.detail ? { detail: health.report.detail } : {}),
            checkedAt: health.checkedAt === undefined ? null : iso(health.checkedAt),
            ageMs: health.checkedAt === undefined ? null : Math.max(0, now - health.checkedAt),
          },
  };
}
