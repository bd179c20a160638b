import type { AuditEntry, AuditInput } from '../audit/chain.ts';
import type { AvailabilityListener } from './availability.ts';
import type { StoreUnavailableError } from './unavailable.ts';

export type { AuditEntry, AuditInput } from '../audit/chain.ts';

/**
 * The Store interface: everything the gateway keeps. The SQLite implementation is the default; a PostgreSQL one
 * plugs in behind the same interface. All times are epoch milliseconds, passed in by the caller (tests use fake
 * clocks), and every write that belongs together happens in one transaction.
 */

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

export interface IdempotencyClaim {
  /** The caller the key belongs to (the API key's id): two callers may use the same key. */
  scope: string;
  key: string;
  /** SHA-256 of the request, to tell the same request from another one under the same key. */
  requestHash: string;
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

export type AuditVerification =
  | { ok: true; checked: number; head: { seq: number; hash: string } }
  /** `missingKeyId`: no tampering found, but the key of that id, which chains the log from entry `seq` on, was not given. */
  | { ok: false; checked: number; seq: number; problem: string; missingKeyId?: string };

/** An audit key rotation: entry `seq` (under the previous key) names the new key; entries after it use that key. */
export interface AuditKeyRotation {
  seq: number;
  previousKeyId: string;
  newKeyId: string;
}

export interface AuditFilter {
  messageId?: string;
  since?: number;
  until?: number;
  /** Entries after this sequence number (paging, exports). */
  afterSeq?: number;
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

export interface InstanceQueueStats {
  instance: string;
  queued: number;
  processing: number;
  dead: number;
  succeeded: number;
  /** Creation time of the oldest message still waiting (queued or processing). */
  oldestWaitingAt: number | null;
}

/** Messages of one status, capability and agency, over every instance. */
export interface MessageCount {
  capability: string;
  agency: string;
  status: MessageStatus;
  count: number;
}

export interface InstanceActivity {
  instance: string;
  /** Of its messages; null for an instance known only by its sync calls. */
  capability: string | null;
  queued: number;
  processing: number;
  dead: number;
  succeeded: number;
  /** Creation time of the oldest message still waiting (queued or processing). */
  oldestWaitingAt: number | null;
  /** Attempts started and failed (any outcome but success) over the last hour: deliveries and sync calls. */
  lastHour: { attempts: number; failures: number };
}

/** What the overview shows, read from counters and indexes, never by counting the messages. */
export interface Overview {
  /** Non-zero counts only. */
  counts: MessageCount[];
  /** Every instance with a message or an attempt in the last hour, by id. */
  instances: InstanceActivity[];
}

interface DossierEntryFacts {
  /** When it began: a message's creation, a record's. */
  at: number;
  id: string;
  status: string;
  instance: string;
  /** Null for a record whose data names no agency. */
  agency: string | null;
}

/** A message about the dossier: a portal sync, its progress, an SMS. */
export interface DossierMessageEntry extends DossierEntryFacts {
  kind: 'message';
  capability: string;
  operation: string;
  message: MessageRecord;
}

/** An event about the dossier delivered to the one-stop software (`payment.succeeded`, `message.dead` …). */
export interface DossierEventEntry extends DossierEntryFacts {
  kind: 'event';
  capability: string;
  operation: string;
  /** Null once retention removed the payload. */
  eventType: string | null;
  message: MessageRecord;
}

/** A plugin record about the dossier (a payment): `id` is its key. */
export interface DossierRecordEntry extends DossierEntryFacts {
  kind: 'record';
  record: StoredRecord;
}

export type DossierEntry = DossierMessageEntry | DossierEventEntry | DossierRecordEntry;

export type KeyRole = 'client' | 'operator';

export interface ApiKeyRecord {
  id: string;
  /** SHA-256 (hex) of the whole key; the key itself is never stored. */
  hash: string;
  role: KeyRole;
  /** Agency codes the key may act for; `['*']` for all. */
  agencies: string[];
  label: string | null;
  createdAt: number;
  revokedAt: number | null;
}

/** What an Idempotency-Key holds: for a sync request its answer; for an async one only its hash (status null). */
export interface StoredResponse {
  requestHash: string;
  status: number | null;
  body: string | null;
  createdAt: number;
}

/** A durable record of a plugin instance (e.g. a payment), with a state that changes by test-and-set. */
export interface StoredRecord {
  instance: string;
  key: string;
  status: string;
  data: Record<string, unknown>;
  createdAt: number;
  updatedAt: number;
}

export interface NewRecord {
  instance: string;
  key: string;
  status: string;
  data: Record<string, unknown>;
  now: number;
  actor: Actor;
}

export interface RecordChange {
  instance: string;
  key: string;
  /** Applies only when the record is in one of these states. */
  from: readonly string[];
  to: string;
  /** Merged into the record's data. */
  data?: Record<string, unknown> | undefined;
  /** Messages (events) queued in the same transaction, each with its acceptance entry. */
  enqueue?: Array<{ message: NewMessage; audit: AuditInput }>;
  now: number;
  actor: Actor;
}

/** Who asked for a change an operator or a caller makes, for its audit entry: e.g. `key:key_3f2a9c`, `cli`. */
export type Actor = string;

/** An operator's pause of a plugin instance (its provider announced maintenance): no attempt of it starts until resumed. */
export interface InstancePause {
  instance: string;
  /** When it was paused. */
  at: number;
  /** Who paused it: `key:<key id>` or `cli`. */
  by: Actor;
  /** Why, as the operator wrote it (callers of the instance's sync operations read it too); null when none was given. */
  reason: string | null;
}

/** A pause that ended. */
export interface InstanceResume {
  pause: InstancePause;
  at: number;
  by: Actor;
  /** Waiting messages whose max age was moved on by the time they spent paused. */
  extended: number;
}

export interface Store {
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
  /** Puts every message leased by `leaseOwner` back in the queue (graceful shutdown). */
  releaseLeases(leaseOwner: string, now: number): Promise<number>;

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

  queueStats(): Promise<InstanceQueueStats[]>;
  /**
   * Counts per status × instance × capability × agency, and per instance its queue, oldest waiting message and the
   * last hour's attempts (as of `now`); only `agencies`' when given (an API key's scope, `*` for all).
   */
  overview(now: number, agencies?: readonly string[]): Promise<Overview>;
  /**
   * Everything about one dossier (its code matched exactly), oldest first: its messages, its events and its plugin
   * records (payments); only `agencies`' when given. At most `limit` entries (default 1000), the oldest.
   */
  dossierTimeline(code: string, options?: { agencies?: readonly string[] | undefined; limit?: number }): Promise<DossierEntry[]>;

  /**
   * Pauses an instance, with its audit entry (`instance.paused`): no process starts an attempt of it until it is
   * resumed. Already paused, it answers the pause in place (`created: false`) and writes nothing.
   */
  pauseInstance(instance: string, pause: { actor: Actor; reason?: string | undefined; at: number }): Promise<{ pause: InstancePause; created: boolean }>;
  /**
   * Ends an instance's pause, with its audit entry (`instance.resumed`). Time spent paused does not count towards
   * max age: each of its queued messages that was still within its max age when paused has `expiresAt` moved on by
   * the time it waited paused. Undefined (nothing written) when the instance was not paused.
   */
  resumeInstance(instance: string, resume: { actor: Actor; at: number }): Promise<InstanceResume | undefined>;
  /** Every paused instance, oldest pause first: what each process reads at every poll. */
  pausedInstances(): Promise<InstancePause[]>;

  /**
   * Retention: removes the payloads of messages that succeeded before `succeededBefore` (personal data no longer
   * needed); the rows and their audit entries stay, and the purge is itself audited. Returns how many.
   */
  purgePayloads(succeededBefore: number, now: number, actor: Actor): Promise<number>;

  /** Answers of sync requests made with an Idempotency-Key. */
  getStoredResponse(scope: string, key: string): Promise<StoredResponse | undefined>;
  storeResponse(scope: string, key: string, response: StoredResponse): Promise<void>;

  createKey(key: ApiKeyRecord, actor: Actor): Promise<void>;
  findKeyByHash(hash: string): Promise<ApiKeyRecord | undefined>;
  listKeys(): Promise<ApiKeyRecord[]>;
  /** False when no such key exists or it was revoked already. */
  revokeKey(id: string, now: number, actor: Actor): Promise<boolean>;

  getRecord(instance: string, key: string): Promise<StoredRecord | undefined>;
  /** Inserts unless the key exists (audited as `record.created`); answers the stored record either way. */
  createRecord(record: NewRecord): Promise<{ record: StoredRecord; created: boolean }>;
  /** The record after the change (audited as `record.transition`), or undefined when it was not in one of `from`. */
  transitionRecord(change: RecordChange): Promise<StoredRecord | undefined>;
  /** Records of an instance in one state, least recently updated first. */
  listRecords(instance: string, filter: { status: string; updatedBefore?: number | undefined; limit: number }): Promise<StoredRecord[]>;

  /** Appends audit entries that record no stored change of their own (a callback received, config loaded). */
  appendAudit(entries: AuditInput[]): Promise<void>;
  /** Audit entries in sequence order. */
  listAudit(filter: AuditFilter, limit: number): Promise<AuditEntry[]>;
  /**
   * Recomputes the whole chain with the store's key and names the first entry altered, removed, inserted or
   * moved; given the last entry of an earlier export, also that the log still ends no earlier than it.
   */
  verifyAudit(exported?: AuditEntry): Promise<AuditVerification>;
  /**
   * Chains new entries with `newKey` from now on: appends `audit.key.rotated` (naming the new key's id, hashed under
   * the current key) and records the change in the same transaction. Verification then needs both keys.
   */
  rotateAuditKey(newKey: Buffer, at: number, actor: Actor): Promise<AuditKeyRotation>;

  /**
   * Runs `work` unless work under the same `name` (a plugin task of one instance) runs now in any process sharing the
   * store; answers whether it ran. SQLite has one gateway process per file, so only PostgreSQL needs it (an advisory
   * lock held while `work` runs); a store without it runs `work` every time.
   */
  runAlone?(name: string, work: () => Promise<void>): Promise<boolean>;
  /**
   * Calls `listener` with the instances of messages any process sharing the store has just stored (PostgreSQL's
   * LISTEN/NOTIFY), so that a worker starts them at once rather than at its next poll; returns how to stop.
   * A store only one process writes (SQLite) has no need of it.
   */
  onNewWork?(listener: (instances: string[]) => void): () => void;

  /** Throws when the store cannot be read or written (a StoreUnavailableError), or its migrations are not all applied. */
  checkReady(): Promise<void>;
  /**
   * Why the store cannot write now (disk full, its write lock held by a stalled process, read-only …), or undefined.
   * Set by a refused write (which rejects with that StoreUnavailableError), cleared by a probe the store runs by itself.
   */
  unavailable(): StoreUnavailableError | undefined;
  /** Told once when the store stops being able to write and once when it can again; returns how to stop listening. */
  onAvailabilityChange(listener: AvailabilityListener): () => void;
  close(): Promise<void>;
}
