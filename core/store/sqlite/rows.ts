import type { PayloadCodec } from '../payload-cipher.ts';
import type { ApiKeyRecord, AttemptRecord, KeyRole, MessageRecord, MessageStatus } from '../types.ts';

export interface MessageRow {
  seq: number;
  id: string;
  capability: string;
  operation: string;
  agency: string;
  instance: string;
  plugin: string;
  payload: string;
  reference: string | null;
  dossier_code: string | null;
  ordering_key: string | null;
  ordering_rank: number;
  status: MessageStatus;
  attempts: number;
  total_attempts: number;
  max_attempts: number;
  next_attempt_at: number | null;
  lease_owner: string | null;
  lease_until: number | null;
  last_error: string | null;
  result: string | null;
  replays: number;
  cancelled_at: number | null;
  payload_purged_at: number | null;
  created_at: number;
  updated_at: number;
  expires_at: number;
}

/** A message row as the gateway uses it; its payload decrypted when it was stored encrypted. */
export function toMessage(row: MessageRow, codec: PayloadCodec): MessageRecord {
  return {
    id: row.id,
    sequence: row.seq,
    capability: row.capability,
    operation: row.operation,
    agency: row.agency,
    instance: row.instance,
    plugin: row.plugin,
    payload: JSON.parse(codec.decode(row.payload)),
    reference: row.reference,
    dossierCode: row.dossier_code,
    orderingKey: row.ordering_key,
    orderingRank: row.ordering_rank,
    status: row.status,
    attempts: row.attempts,
    totalAttempts: row.total_attempts,
    maxAttempts: row.max_attempts,
    nextAttemptAt: row.next_attempt_at,
    leaseOwner: row.lease_owner,
    leaseUntil: row.lease_until,
    lastError: row.last_error,
    result: row.result === null ? null : JSON.parse(row.result),
    replays: row.replays,
    cancelledAt: row.cancelled_at,
    payloadPurgedAt: row.payload_purged_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    expiresAt: row.expires_at,
  };
}

export interface AttemptRow {
  message_id: string;
  round: number;
  number: number;
  started_at: number;
  finished_at: number;
  outcome: AttemptRecord['outcome'];
  error: string | null;
  provider_code: string | null;
}

export function toAttempt(row: AttemptRow): AttemptRecord {
  return {
    messageId: row.message_id,
    round: row.round,
    number: row.number,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    outcome: row.outcome,
    error: row.error,
    providerCode: row.provider_code,
  };
}

export interface ApiKeyRow {
  id: string;
  hash: string;
  role: KeyRole;
  agencies: string;
  label: string | null;
  created_at: number;
  revoked_at: number | null;
}

export function toApiKey(row: ApiKeyRow): ApiKeyRecord {
  return {
    id: row.id,
    hash: row.hash,
    role: row.role,
    agencies: JSON.parse(row.agencies),
    label: row.label,
    createdAt: row.created_at,
    revokedAt: row.revoked_at,
  };
}
