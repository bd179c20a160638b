import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import sqlite3 from 'sqlite3';
import type {
  AcceptResult,
  Actor,
  ApiKeyRecord,
  AuditEntry,
  AuditFilter,
  AuditInput,
  AuditKeyRotation,
  AuditVerification,
  CompleteAttempt,
  DossierEntry,
  IdempotencyClaim,
  InstancePause,
  InstanceQueueStats,
  InstanceResume,
  MessageFilter,
  MessagePage,
  MessageRecord,
  NewMessage,
  NewRecord,
  Overview,
  RecordChange,
  ReplayPlan,
  ReplayTarget,
  StoredRecord,
  Store,
  StoredResponse,
} from '../types.ts';
import { AuditKeyRefused } from '../../audit/key-binding.ts';
import { auditKeyId } from '../../audit/key-id.ts';
import { AuditKeyring } from '../../audit/keyring.ts';
import { KEY_ROTATED } from '../../audit/verify.ts';
import { verifyStore } from '../../audit/verify-store.ts';
import { type AvailabilityListener, StoreAvailability } from '../availability.ts';
import type { StoreUnavailableError } from '../unavailable.ts';
import { createKey, findKeysByHash, listKeys, revokeKey } from './api-keys.ts';
import { SqliteAuditLog, listAudit, readAuditKeys } from './audit-log.ts';
import { type Acceptance, completeAttempts, insertAcceptances } from './bulk-writes.ts';
import { type Claim, claimDue } from './claim.ts';
import { type PayloadCipher, type PayloadCodec, payloadCodec } from '../payload-cipher.ts';
import { type Connection, DEFAULT_BUSY_TIMEOUT_MS, openConnection } from './connection.ts';
import { backfillDossierCodes } from './dossier-backfill.ts';
import { readDossierTimeline } from './dossier-timeline.ts';
import { GroupCommit } from './group-commit.ts';
import { getStoredResponse, storeResponse } from './idempotency.ts';
import { KeyCache } from './key-cache.ts';
import { listMessagePage } from './message-query.ts';
import { cancel, purgePayloads, releaseLeases, replay } from './message-writes.ts';
import { checkMigrated, migrate } from './migrate.ts';
import { extendPausedBatch, pauseInstance } from './instance-pauses.ts';
import { endPause, pauseOf, pausedInstances } from '../pause-rows.ts';
import { resumeInBatches } from '../resume-in-batches.ts';
import { readOverview, readQueues } from './overview.ts';
import { planReplay } from './replay-plan.ts';
import { createRecord, getRecord, listRecords, transitionRecord } from './plugin-records.ts';
import { type AttemptRow, type MessageRow, toAttempt, toMessage } from './rows.ts';
import { fullDisk, probeWrites } from './write-probe.ts';

/**
 * The default store: one SQLite file in WAL mode. All writes go through one connection with group commit;
 * reads use a second connection, so they see only committed data and never wait for a write's fsync.
 */
export class SqliteStore implements Store {
  readonly #commits: GroupCommit;
  readonly #accept: (acceptance: Acceptance) => Promise<AcceptResult>;
  readonly #complete: (completion: CompleteAttempt) => Promise<boolean>;
  readonly #availability: StoreAvailability;

  private constructor(
    private readonly file: string,
    private readonly writer: Connection,
    private readonly reader: Connection,
    private readonly keys: KeyCache,
    private readonly auditLog: SqliteAuditLog,
    private readonly auditKeys: AuditKeyring,
    private readonly codec: PayloadCodec,
    private readonly options: SqliteStoreOptions,
  ) {
    this.#availability = new StoreAvailability(() => probeWrites(file, this.#availability.outage, this.#commits), options.probeIntervalMs);
    this.#commits = new GroupCommit(writer, auditLog, { onUnavailable: (error) => this.#availability.failed(error) });
    this.#accept = this.#commits.channel((db, items, audit) => insertAcceptances(db, items, audit, codec));
    this.#complete = this.#commits.channel((db, items, audit) => completeAttempts(db, items, audit, codec));
  }

  /**
   * `auditKey` signs the audit chain (LIENTHONG_AUDIT_KEY): a key the store's log is not chained with is refused
   * (AuditKeyRefused, `auditKeyName` saying where it came from) and nothing is written. `olderAuditKeys` verify
   * entries chained before a rotation; `dataKey` encrypts payloads at rest (LIENTHONG_DATA_KEY).
   */
  static async open(file: string, options: SqliteStoreOptions): Promise<SqliteStore> {
    await mkdir(dirname(file), { recursive: true });
    const { busyTimeoutMs } = options;
    const writer = await openConnection(file, { busyTimeoutMs });
    let reader: Connection | undefined;
    let keys: KeyCache | undefined;
    try {
      await migrate(writer, { file, beforeApplying: options.beforeMigrating });
      await backfillDossierCodes(writer, payloadCodec(options.dataKey));
      reader = await openConnection(file, { mode: sqlite3.OPEN_READONLY, busyTimeoutMs });
      const keyReader = reader;
      keys = KeyCache.open(file, busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS, (hashes) => findKeysByHash(keyReader, hashes));
      const auditLog = await SqliteAuditLog.open(writer, options.auditKey, options.auditKeyName);
      const keyring = new AuditKeyring([...(options.olderAuditKeys ?? []), options.auditKey]);
      return new SqliteStore(file, writer, reader, keys, auditLog, keyring, payloadCodec(options.dataKey), options);
    } catch (error) {
      keys?.close();
      await reader?.close().catch(() => undefined);
      await writer.close().catch(() => undefined);
      throw error;
    }
  }

  unavailable(): StoreUnavailableError | undefined {
    return this.#availability.outage;
  }

  onAvailabilityChange(listener: AvailabilityListener): () => void {
    return this.#availability.onChange(listener);
  }

  #toMessage = (row: MessageRow): MessageRecord => toMessage(row, this.codec);

  accept(message: NewMessage, options: { idempotency?: IdempotencyClaim | undefined; audit?: AuditInput } = {}): Promise<AcceptResult> {
    return this.#accept({ message, idempotency: options.idempotency, audit: options.audit });
  }

  async getMessage(id: string): Promise<MessageRecord | undefined> {
    const row = await this.reader.get<MessageRow>('SELECT * FROM messages WHERE id = ?', [id]);
    return row && this.#toMessage(row);
  }

  /** Newest first by creation; the cursor is the last message's sequence number (see message-query.ts). */
  listMessages(filter: MessageFilter, page: { limit: number; cursor?: string }): Promise<MessagePage> {
    return listMessagePage(this.reader, this.codec, filter, page);
  }

  async listAttempts(messageId: string) {
    const rows = await this.reader.all<AttemptRow>(
      'SELECT * FROM attempts WHERE message_id = ? ORDER BY round, number',
      [messageId],
    );
    return rows.map(toAttempt);
  }

  claimDue(claim: Claim) {
    return this.#commits.write(async (db) => (await claimDue(db, claim)).map(this.#toMessage).sort((a, b) => a.sequence - b.sequence));
  }

  completeAttempt(completion: CompleteAttempt): Promise<boolean> {
    return this.#complete(completion);
  }

  releaseLeases(leaseOwner: string, now: number, ids?: readonly string[]): Promise<number> {
    return this.#commits.write((db) => releaseLeases(db, leaseOwner, now, ids));
  }

  planReplay(filter: MessageFilter): Promise<ReplayPlan> {
    return planReplay(this.reader, filter);
  }

  replay(target: ReplayTarget, now: number, maxAgeMs: (instance: string) => number, actor: Actor) {
    return this.#commits.write((db, audit) => replay(db, audit, target, now, maxAgeMs, actor));
  }

  cancel(id: string, now: number, reason: string, actor: Actor): Promise<MessageRecord | undefined> {
    return this.#commits.write(async (db, audit) => {
      const row = await cancel(db, audit, id, now, reason, actor);
      return row && this.#toMessage(row);
    });
  }

  purgePayloads(succeededBefore: number, now: number, actor: Actor): Promise<number> {
    return this.#commits.write((db, audit) => purgePayloads(db, audit, succeededBefore, now, actor));
  }

  async queueStats(): Promise<InstanceQueueStats[]> {
    return (await readQueues(this.reader)).map(({ capability: _, ...queue }) => queue);
  }

  overview(now: number, agencies?: readonly string[]): Promise<Overview> {
    return readOverview(this.reader, now, agencies);
  }

  dossierTimeline(code: string, options: { agencies?: readonly string[] | undefined; limit?: number } = {}): Promise<DossierEntry[]> {
    return readDossierTimeline(this.reader, this.codec, code, options);
  }

  pauseInstance(instance: string, pause: { actor: Actor; reason?: string | undefined; at: number }): Promise<{ pause: InstancePause; created: boolean }> {
    return this.#commits.write((db, audit) => pauseInstance(db, audit, instance, pause));
  }

  resumeInstance(instance: string, resume: { actor: Actor; at: number }): Promise<InstanceResume | undefined> {
    return resumeInBatches(
      {
        pause: () => pauseOf(this.reader, instance),
        extend: (pause, after, limit) => this.#commits.write((db) => extendPausedBatch(db, pause, resume.at, after, limit)),
        end: (pause, extended) => this.#commits.write((db, audit) => endPause(db, audit, pause, resume, extended)),
      },
      this.options.resumeBatch,
    );
  }

  pausedInstances(): Promise<InstancePause[]> {
    return pausedInstances(this.reader);
  }

  getStoredResponse(scope: string, key: string): Promise<StoredResponse | undefined> {
    return getStoredResponse(this.reader, scope, key);
  }

  storeResponse(scope: string, key: string, response: StoredResponse): Promise<void> {
    return this.#commits.write((db) => storeResponse(db, scope, key, response));
  }

  async createKey(key: ApiKeyRecord, actor: Actor): Promise<void> {
    await this.#commits.write((db, audit) => createKey(db, audit, key, actor));
    this.keys.forget();
  }

  findKeyByHash(hash: string): Promise<ApiKeyRecord | undefined> {
    return this.keys.keyByHash(hash);
  }

  listKeys(): Promise<ApiKeyRecord[]> {
    return listKeys(this.reader);
  }

  async revokeKey(id: string, now: number, actor: Actor): Promise<boolean> {
    const revoked = await this.#commits.write((db, audit) => revokeKey(db, audit, id, now, actor));
    this.keys.forget();
    return revoked;
  }

  getRecord(instance: string, key: string): Promise<StoredRecord | undefined> {
    return getRecord(this.reader, instance, key, this.codec);
  }

  createRecord(record: NewRecord): Promise<{ record: StoredRecord; created: boolean }> {
    return this.#commits.write((db, audit) => createRecord(db, audit, record, this.codec));
  }

  transitionRecord(change: RecordChange): Promise<StoredRecord | undefined> {
    return this.#commits.write((db, audit) => transitionRecord(db, audit, change, this.codec));
  }

  listRecords(instance: string, filter: { status: string; updatedBefore?: number | undefined; limit: number }): Promise<StoredRecord[]> {
    return listRecords(this.reader, instance, filter, this.codec);
  }

  async appendAudit(entries: AuditInput[]): Promise<void> {
    if (entries.length === 0) return;
    await this.#commits.write(async (_db, audit) => {
      audit.push(...entries);
    });
  }

  listAudit(filter: AuditFilter, limit: number): Promise<AuditEntry[]> {
    return listAudit(this.reader, filter, limit);
  }

  async verifyAudit(exported?: AuditEntry): Promise<AuditVerification> {
    const [first] = await readAuditKeys(this.reader);
    return verifyStore(this, { keyring: this.auditKeys, firstKeyId: first?.keyId ?? this.auditLog.keyId }, exported);
  }

  async rotateAuditKey(newKey: Buffer, at: number, actor: Actor): Promise<AuditKeyRotation> {
    const previousKeyId = this.auditLog.keyId;
    if (auditKeyId(newKey) === previousKeyId) throw new AuditKeyRefused(`the new audit key is the key in use (key id ${previousKeyId}): give another one`);
    const newKeyId = this.auditKeys.add(newKey);
    const entry = await this.#commits.write((db) =>
      this.auditLog.rotate(db, newKey, { at, actor, action: KEY_ROTATED, summary: { previousKeyId, newKeyId } }),
    );
    return { seq: entry.seq, previousKeyId, newKeyId };
  }

  async checkReady(): Promise<void> {
    // A full disk is said before a write fails on it: an idle gateway writes nothing that would find out.
    const full = this.#availability.outage ? undefined : fullDisk({ file: this.file, busyTimeoutMs: this.options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS });
    if (full) this.#availability.failed(full);
    const outage = this.#availability.outage;
    if (outage) throw outage;
    await checkMigrated(this.reader);
  }

  async close(): Promise<void> {
    this.#availability.close();
    try {
      await this.#commits.drain();
      this.keys.close();
      await this.reader.close();
      await this.writer.close();
    } finally {
      await this.options.onClose?.();
    }
  }
}

export interface SqliteStoreOptions {
  /** Signs the audit chain (LIENTHONG_AUDIT_KEY). */
  auditKey: Buffer;
  /** Keys the log was chained with before rotations, to verify it. */
  olderAuditKeys?: Buffer[] | undefined;
  /** Where the audit key came from, named when it is refused. */
  auditKeyName?: string | undefined;
  /** Encrypts payloads at rest (LIENTHONG_DATA_KEY). */
  dataKey?: PayloadCipher | undefined;
  /** How long a write waits for another process's write lock before it is refused. Default 5 s (connection.ts). */
  busyTimeoutMs?: number | undefined;
  /** How often a store that cannot write tries again. Default 2 s. */
  probeIntervalMs?: number | undefined;
  /** Messages a resume extends per transaction (core/store/resume-in-batches.ts). Default 2,000. */
  resumeBatch?: number | undefined;
  /** Runs before migrations are applied to the file, given their versions; throwing refuses the store unchanged. */
  beforeMigrating?: ((versions: number[]) => Promise<void>) | undefined;
  /** Runs once the store is closed: the gateway process gives up its claim on the file. */
  onClose?: (() => Promise<void>) | undefined;
}
