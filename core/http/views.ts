import { maskName, maskPersonalData, maskText } from '../audit/mask.ts';
import type { CircuitState } from '../runtime/circuit-breaker.ts';
import type { KnownHealth } from '../runtime/health-monitor.ts';
import type { InstanceRuntime } from '../runtime/instances.ts';
import type { AttemptRecord, AuditEntry, DossierEntry, InstanceQueueStats, MessageRecord, Overview } from '../store/types.ts';

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
    // An SMS's dossier code is its reference: free text as well.
    dossierCode: message.dossierCode === null ? null : maskText(message.dossierCode),
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
    health: healthView(health, now),
  };
}

/** An instance's last known health, when it ended and its age (`ok` null until the first check ends); null without a health check. */
export function healthView(health: KnownHealth | undefined, now: number) {
  if (health === undefined) return null;
  return {
    ok: health.report?.ok ?? null,
    ...(health.report?.detail ? { detail: health.report.detail } : {}),
    checkedAt: health.checkedAt === undefined ? null : iso(health.checkedAt),
    ageMs: health.checkedAt === undefined ? null : Math.max(0, now - health.checkedAt),
  };
}

/**
 * One entry of a dossier's timeline as operators see it: what it is, when, where it stands, and what it says about
 * the dossier, personal data masked. A plugin record is a `payment` when its instance serves payments.
 */
export function dossierEntryView(entry: DossierEntry, capabilityOf: (instance: string) => string | undefined) {
  const common = { at: iso(entry.at), id: entry.id, status: entry.status, instance: entry.instance, agency: entry.agency };
  if (entry.kind === 'record') {
    const capability = capabilityOf(entry.instance) ?? null;
    return {
      ...common,
      kind: capability === 'payment' ? 'payment' : 'record',
      capability,
      operation: null,
      updatedAt: iso(entry.record.updatedAt),
      detail: maskPersonalData(entry.record.data),
    };
  }
  const { message } = entry;
  return {
    ...common,
    kind: entry.kind,
    capability: entry.capability,
    operation: entry.operation,
    updatedAt: iso(message.updatedAt),
    attempts: message.attempts,
    maxAttempts: message.maxAttempts,
    lastError: message.lastError === null ? null : maskText(message.lastError),
    ...(entry.kind === 'event' ? { eventType: entry.eventType } : {}),
    detail: messageDetail(message),
  };
}

const field = (value: unknown, name: string): unknown => (value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[name] : undefined);

/** What a message says about its dossier, masked; null once retention removed its payload. */
function messageDetail(message: MessageRecord): Record<string, unknown> | null {
  const { payload } = message;
  if (payload === null || typeof payload !== 'object') return null;
  if (message.capability === 'portal' && message.operation === 'updateProgress') {
    const entries = field(payload, 'entries');
    return {
      progress: (Array.isArray(entries) ? entries : []).map((progress: unknown) => ({
        handledAt: field(progress, 'handledAt') ?? null,
        status: field(progress, 'status') ?? null,
        handler: typeof field(progress, 'handler') === 'string' ? maskName(field(progress, 'handler') as string) : null,
        content: typeof field(progress, 'content') === 'string' ? maskText(field(progress, 'content') as string) : null,
      })),
    };
  }
  if (message.capability === 'portal') {
    const dossier = field(payload, 'dossier');
    return { dossierStatus: field(dossier, 'status') ?? null, procedureCode: field(dossier, 'procedureCode') ?? null };
  }
  if (message.capability === 'webhook') return { data: maskPersonalData(field(field(payload, 'event'), 'data') ?? null) };
  const shown = { ...payload } as Record<string, unknown>;
  delete shown.agency;
  return maskPersonalData(shown) as Record<string, unknown>;
}

/** The dossier timeline answer: oldest first, at most `limit` entries (`truncated` when there were more). */
export function dossierView(code: string, entries: DossierEntry[], limit: number, capabilityOf: (instance: string) => string | undefined) {
  return {
    dossierCode: code,
    entries: entries.slice(0, limit).map((entry) => dossierEntryView(entry, capabilityOf)),
    truncated: entries.length > limit,
  };
}

export type OverviewInstance = {
  id: string;
  plugin: string | null;
  capability: string | null;
  /** False for an instance the store has messages of but the configuration no longer names. */
  configured: boolean;
  circuit: 'closed' | 'open' | 'half-open' | null;
  /** The operator's pause, its reason masked (pauseView); null when not paused or not configured. */
  paused: { at: string; by: string; reason: string | null } | null;
  /** As `healthView` gives it; null without a health check or when not configured. */
  health: ReturnType<typeof healthView>;
};

/** The overview answer: per instance its queue, oldest waiting message and the last hour's attempts; the counts. */
export function overviewView(overview: Overview, now: number, instances: OverviewInstance[]) {
  const activity = new Map(overview.instances.map((entry) => [entry.instance, entry]));
  return {
    at: iso(now),
    instances: instances.map((instance) => {
      const entry = activity.get(instance.id);
      const attempts = entry?.lastHour.attempts ?? 0;
      const failures = entry?.lastHour.failures ?? 0;
      return {
        ...instance,
        queue: { queued: entry?.queued ?? 0, processing: entry?.processing ?? 0, dead: entry?.dead ?? 0, succeeded: entry?.succeeded ?? 0 },
        oldestWaitingAgeMs: entry?.oldestWaitingAt == null ? null : Math.max(0, now - entry.oldestWaitingAt),
        lastHour: { attempts, failures, failureRate: attempts === 0 ? null : failures / attempts },
      };
    }),
    counts: overview.counts,
  };
}
