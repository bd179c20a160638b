import type { Actor, AuditInput } from './audit-store.ts';
import type { IdempotencyClaim } from './idempotency-store.ts';

export type MessageStatus = 'queued' | 'processing' | 'succeeded' | 'dead';

export interface NewMessage {
  id: string;
  capability: string;
  operation: string;
  agency: string;
  instance: string;
  plugin: string;
  payload: unknown;
  /** The caller's reference or dossier code, for operators' searches. */
  reference?: string | undefined;
  /** The dossier the message is about, by its capability's rule (OperationSpec's `dossierCode`): its timeline's key. */
  dossierCode?: string | undefined;
  orderingKey?: string | undefined;
  /** Within one ordering key, lower ranks go first; equal ranks in the order they came. Default 0. */
  orderingRank?: number | undefined;
  maxAttempts: number;
  createdAt: number;
  /** Past this the message goes dead rather than being tried again (max age). */
  expiresAt: number;
}

export interface MessageRecord {
  id: string;
  /** A number unique in the store, increasing with creation: what a provider that wants numeric ids gets. */
  sequence: number;
  capability: string;
  operation: string;
  agency: string;
  instance: string;
  plugin: string;
  payload: unknown;
  reference: string | null;
  dossierCode: string | null;
  orderingKey: string | null;
  orderingRank: number;
  status: MessageStatus;
  /** Attempts of the current round, the first included: what `maxAttempts` limits. A replay starts a new round at 0. */
  attempts: number;
  /** Every attempt ever started, in every round, never reset nor given back. */
  totalAttempts: number;
  maxAttempts: number;
  nextAttemptAt: number | null;
  leaseOwner: string | null;
  leaseUntil: number | null;
  lastError: string | null;
  result: unknown;
  /** How many times an operator replayed the message: the number of its current round (the first is round 0). */
  replays: number;
  cancelledAt: number | null;
  /** When retention removed the payload of this succeeded message (the payload then reads as null). */
  payloadPurgedAt: number | null;
  createdAt: number;
  updatedAt: number;
  expiresAt: number;
}

export type AcceptResult =
  | { outcome: 'accepted'; messageId: string }
  /** The same key and request were accepted before: answer with that message. */
  | { outcome: 'repeated'; messageId: string }
  /** The same key came with another request. */
  | { outcome: 'conflict' };

export type AttemptOutcome = 'succeeded' | 'retry' | 'dead';

export interface AttemptRecord {
  messageId: string;
  /** The round the attempt belongs to: how many times the message had been replayed when it ran. */
  round: number;
  number: number;
  startedAt: number;
  finishedAt: number;
  outcome: AttemptOutcome | 'skipped';
  error: string | null;
  providerCode: string | null;
}

export interface CompleteAttempt {
  messageId: string;
  leaseOwner: string;
  outcome: AttemptOutcome;
  now: number;
  /** For `retry`: when to try again. */
  nextAttemptAt?: number;
  error?: string;
  providerCode?: string;
  result?: unknown;
  /** The attempt itself; absent when the message was closed without running (expired, budget spent). */
  attempt?: { number: number; startedAt: number; skipped?: boolean };
  /** Messages to queue in the same transaction (events such as `message.dead`). */
  enqueue?: NewMessage[];
  /** Audit entries for the outcome, written in the same transaction. */
  audit?: AuditInput[];
}

export type ReplayTarget = { ids: string[] } | { filter: MessageFilter; batch?: { afterSequence: number; limit: number } | undefined };

export interface MessageFilter {
  status?: MessageStatus;
  capability?: string;
  instance?: string;
  agency?: string;
  /** Only messages of these agencies (an API key's scope); undefined for all. */
  agencies?: readonly string[];
  since?: number;
  until?: number;
  /**
   * Text search: the message id exactly, a dossier code or reference that starts with it, or a last error that
   * contains it (ASCII letters in any case). Succeeded messages have no error to match.
   */
  q?: string;
}

export interface MessagePage {
  messages: MessageRecord[];
  /** Pass back as `cursor` for the next (older) page; absent on the last page. */
  nextCursor?: string;
}

export interface ReplayPlan {
  total: number;
  byInstance: Record<string, number>;
}

/** Messages and their delivery: accepted, claimed under a lease, attempted, replayed, cancelled, purged, listed. */
export interface MessageStore {
  /**
   * Stores a new message (and its idempotency key) durably, with its audit entry; resolves only once committed.
   * The entry is written only if the message is (not for a repeated Idempotency-Key).
   */
  accept(message: NewMessage, options?: { idempotency?: IdempotencyClaim | undefined; audit?: AuditInput }): Promise<AcceptResult>;
  getMessage(id: string): Promise<MessageRecord | undefined>;
  listMessages(filter: MessageFilter, page: { limit: number; cursor?: string }): Promise<MessagePage>;
  listAttempts(messageId: string): Promise<AttemptRecord[]>;

  /**
   * Leases up to `limit` due messages of one instance: queued and due, or processing with an expired lease.
   * A message with an ordering key is due only when no earlier message with that key is waiting or dead.
   * Each claim counts as an attempt.
   */
  claimDue(claim: { instance: string; limit: number; now: number; leaseOwner: string; leaseUntil: number }): Promise<MessageRecord[]>;
  /** Records an attempt's outcome; false when the lease was lost meanwhile (another worker owns the message). */
  completeAttempt(completion: CompleteAttempt): Promise<boolean>;
  /**
   * Puts the messages leased by `leaseOwner` back in the queue, giving back the attempt their claim counted: every
   * one (graceful shutdown), or only those of `ids` (claimed, then never started).
   */
  releaseLeases(leaseOwner: string, now: number, ids?: readonly string[]): Promise<number>;

  /** How many dead messages a filter replay would queue, by instance. */
  planReplay(filter: MessageFilter): Promise<ReplayPlan>;
  /**
   * Queues dead messages again with a fresh attempt budget; by ids, or by filter. Returns the ids queued, in sequence
   * order. With `batch`, a filter replay takes only the first `limit` of them after the message numbered
   * `afterSequence`, so a long replay goes in short transactions that each release the write lock (a store may also
   * ignore it and take them all at once).
   */
  replay(target: ReplayTarget, now: number, maxAgeMs: (instance: string) => number, actor: Actor): Promise<string[]>;
  /** Closes a queued or dead message for good: it goes dead, cancelled, and no longer holds its ordering key. */
  cancel(id: string, now: number, reason: string, actor: Actor): Promise<MessageRecord | undefined>;

  /**
   * Retention: removes the payloads of messages that succeeded before `succeededBefore` (personal data no longer
   * needed); the rows and their audit entries stay, and the purge is itself audited. Returns how many.
   */
  purgePayloads(succeededBefore: number, now: number, actor: Actor): Promise<number>;
}
