import { hash } from 'node:crypto';
import type { GatewayConfig } from '../config/load.ts';
import type { InstancePause, InstanceResume, MessageRecord, NewMessage } from '../store/types.ts';
import type { AuditInput } from './chain.ts';
import { canonicalJson } from './canonical-json.ts';
import { maskText } from './mask.ts';

/** Proves what was sent without keeping it: the SHA-256 of the payload's canonical JSON. */
export function payloadDigest(payload: unknown): string {
  return hash('sha256', canonicalJson(payload), 'hex');
}

export function acceptedEntry(message: NewMessage, actor: string): AuditInput {
  return {
    at: message.createdAt,
    actor,
    action: 'message.accepted',
    messageId: message.id,
    instance: message.instance,
    summary: {
      capability: message.capability,
      operation: message.operation,
      agency: message.agency,
      reference: message.reference === undefined ? undefined : maskText(message.reference),
      orderingKey: message.orderingKey,
      payloadSha256: payloadDigest(message.payload),
    },
  };
}

export interface AttemptFacts {
  message: MessageRecord;
  outcome: 'succeeded' | 'retry' | 'dead';
  startedAt: number;
  finishedAt: number;
  skipped?: boolean;
  error?: string | undefined;
  providerCode?: string | undefined;
  nextAttemptAt?: number | undefined;
}

/** One attempt: its outcome, how long it took, the provider's code, and the status it left the message in. */
export function attemptEntry(facts: AttemptFacts): AuditInput {
  const status = facts.outcome === 'retry' ? 'queued' : facts.outcome;
  return {
    at: facts.finishedAt,
    actor: 'worker',
    action: 'attempt',
    messageId: facts.message.id,
    instance: facts.message.instance,
    summary: {
      attempt: facts.message.attempts,
      of: facts.message.maxAttempts,
      round: facts.message.replays,
      outcome: facts.skipped ? 'skipped' : facts.outcome,
      status,
      durationMs: facts.finishedAt - facts.startedAt,
      providerCode: facts.providerCode,
      error: facts.error === undefined ? undefined : maskText(facts.error),
      nextAttemptAt: facts.nextAttemptAt,
    },
  };
}

/** The configuration a gateway started with: which instances serve whom, and a digest of all their settings. */
export function configLoadedEntry(config: GatewayConfig, at: number): AuditInput {
  const instances = config.instances.map((instance) => ({
    id: instance.id,
    plugin: instance.plugin.id,
    agencies: instance.agencies === '*' ? ['*'] : [...instance.agencies].sort(),
  }));
  // Secrets print as [secret] in JSON: the digest covers the settings, never the secrets themselves.
  const settings = config.instances.map((instance) => ({ id: instance.id, config: instance.config, policy: instance.policy }));
  return {
    at,
    actor: 'system',
    action: 'config.loaded',
    summary: { agencies: [...config.agencies.keys()].sort(), instances, settingsSha256: payloadDigest(JSON.parse(JSON.stringify(settings))) },
  };
}

export interface SyncCallFacts {
  /** The id the call carried upstream (sync calls are not stored as messages). */
  id: string;
  instance: string;
  capability: string;
  operation: string;
  input: { agency: string };
  actor: string;
  startedAt: number;
  finishedAt: number;
  outcome: { ok: true } | { ok: false; retryable: boolean; error: string; providerCode?: string | undefined };
}

/** A sync call answered (a look-up, a payment created): who asked what of which provider, and how it went. */
export function syncCallEntry(facts: SyncCallFacts): AuditInput {
  const { outcome } = facts;
  return {
    at: facts.finishedAt,
    actor: facts.actor,
    action: 'request.sync',
    instance: facts.instance,
    summary: {
      callId: facts.id,
      capability: facts.capability,
      operation: facts.operation,
      agency: facts.input.agency,
      inputSha256: payloadDigest(facts.input),
      outcome: outcome.ok ? 'succeeded' : outcome.retryable ? 'failed' : 'refused',
      durationMs: facts.finishedAt - facts.startedAt,
      providerCode: outcome.ok ? undefined : outcome.providerCode,
      error: outcome.ok ? undefined : maskText(outcome.error),
    },
  };
}

/** An operator paused an instance: who (the entry's actor), and why, personal data masked. */
export function instancePausedEntry(pause: InstancePause): AuditInput {
  return {
    at: pause.at,
    actor: pause.by,
    action: 'instance.paused',
    instance: pause.instance,
    summary: { reason: pause.reason === null ? undefined : maskText(pause.reason) },
  };
}

/** An operator resumed an instance: the pause it ended, and how many waiting messages had their max age moved on. */
export function instanceResumedEntry(resume: InstanceResume): AuditInput {
  return {
    at: resume.at,
    actor: resume.by,
    action: 'instance.resumed',
    instance: resume.pause.instance,
    summary: {
      pausedAt: resume.pause.at,
      pausedBy: resume.pause.by,
      pausedForMs: resume.at - resume.pause.at,
      maxAgeMovedOn: resume.extended,
    },
  };
}
