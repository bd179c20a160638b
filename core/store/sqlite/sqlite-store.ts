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
  MessageRecord,
  MessageStatus,
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
import { SqliteAuditLog, listAudit, readAuditKeys } from './audit-log.ts';
import { type Acceptance, completeAttempts, insertAcceptances } from './bulk-writes.ts';
import { CoalescedLookup } from './coalesced-lookup.ts';
import { type PayloadCipher, type PayloadCodec, payloadCodec } from '../payload-cipher.ts';
import { type Connection, DEFAULT_BUSY_TIMEOUT_MS, openConnection } from './connection.ts';
import { backfillDossierCodes } from './dossier-backfill.ts';
import { readDossierTimeline } from './dossier-timeline.ts';
import { GroupCommit } from './group-commit.ts';
import { cursorKeyset, listMessageSeqs } from './message-query.ts';
import { checkMigrated, migrate } from './migrate.ts';
import { pauseInstance, pausedInstances, resumeInstance } from './instance-pauses.ts';
import { readOverview, readQueues } from './overview.ts';
import { REPLAYABLE, planReplay, replayableClause } from './replay-plan.ts';
import { createRecord, getRecord, listRecords, transitionRecord } from './plugin-records.ts';
import { type ApiKeyRow, type AttemptRow, type MessageRow, toApiKey, toAttempt, toMessage } from './rows.ts';
import { fullDisk, probeWrites } from './write-probe.ts';

const CLAIM = `UPDATE messages SET status = 'processing', attempts = attempts + 1, total_attempts = total_attempts + 1, lease_owner = ?, lease_until = ?, updated_at = ?`;

/**
 * A message may run when no other message of its ordering key is being attempted, and none ahead of it (a lower
 * rank, or the same rank and earlier) still waits or lies dead uncancelled. The literal `status <> 'succeeded'`
 * lets SQLite use the partial index of a key's open messages instead of scanning its whole history.
 */
const ORDERING_FREE = `(m.ordering_key IS NULL OR NOT EXISTS (
  SELECT 1 FROM messages p
  WHERE p.instance = m.instance AND p.ordering_key = m.ordering_key AND p.status <> 'succeeded'
    AND (p.status = 'processing' OR (p.ordering_rank, p.seq) < (m.ordering_rank, m.seq))
    AND (p.status IN ('queued', 'processing') OR (p.status = 'dead' AND p.cancelled_at IS NULL))))`;

/**
 * The default store: one SQLite file in WAL mode. All writes go through one connection with group commit;
 * reads use a second connection, so they see only committed data and never wait for a write's fsync.
 */
export class SqliteStore implements Store {
  readonly #commits: GroupCommit;
  readonly #accept: (acceptance: Acceptance) => Promise<AcceptResult>;
  readonly #complete: (completion: CompleteAttempt) => Promise<boolean>;
  /** Every request reads its key afresh (revocation is immediate); the reads of one turn share one query. */
  readonly #keyLookups = new CoalescedLookup(async (hashes: string[]) => {
    const rows = await this.reader.all<ApiKeyRow>(
      `SELECT * FROM api_keys WHERE hash IN (${hashes.map(() => '?').join(', ')})`,
      hashes,
    );
    return new Map(rows.map((row) => [row.hash, toApiKey(row)]));
  });

  readonly #availability: StoreAvailability;

  private constructor(
    private readonly file: string,
    private readonly writer: Connection,
    private readonly reader: Connection,
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
    try {
      await migrate(writer, { file, beforeApplying: options.beforeMigrating });
      await backfillDossierCodes(writer, payloadCodec(options.dataKey));
      reader = await openConnection(file, { mode: sqlite3.OPEN_READONLY, busyTimeoutMs });
      const auditLog = await SqliteAuditLog.open(writer, options.auditKey, options.auditKeyName);
      const keyring = new AuditKeyring([...(options.olderAuditKeys ?? []), options.auditKey]);
      return new SqliteStore(file, writer, reader, auditLog, keyring, payloadCodec(options.dataKey), options);
    } catch (error) {
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
  async listMessages(filter: MessageFilter, page: { limit: number; cursor?: string }) {
    const after = page.cursor === undefined ? undefined : await cursorKeyset(this.reader, page.cursor);
    if (page.cursor !== undefined && !after) return { messages: [] };
    const seqs = await listMessageSeqs(this.reader, filter, page.limit + 1, after);
    const rows = seqs.length === 0 ? [] : await this.reader.all<MessageRow>('SELECT * FROM messages WHERE seq IN (SELECT value FROM json_each(?))', [JSON.stringify(seqs)]);
    const bySeq = new Map(rows.map((row) => [row.seq, row]));
    const messages = seqs.slice(0, page.limit).flatMap((seq) => {
      const row = bySeq.get(seq);
      return row ? [this.#toMessage(row)] : [];
    });
    const last = messages.at(-1);
    return seqs.length > page.limit && last ? { messages, nextCursor: String(last.sequence) } : { messages };
  }

  async listAttempts(messageId: string) {
    const rows = await this.reader.all<AttemptRow>(
      'SELECT * FROM attempts WHERE message_id = ? ORDER BY round, number',
      [messageId],
    );
    return rows.map(toAttempt);
  }

  claimDue(claim: { instance: string; limit: number; now: number; leaseOwner: string; leaseUntil: number }) {
    return this.#commits.write(async (db) => {
      const lease = [claim.leaseOwner, claim.leaseUntil, claim.now];
      // Leases left by a crashed worker first (rare: an index probe that finds nothing), then due messages.
      const expired = await db.all<MessageRow>(
        `${CLAIM} WHERE seq IN (
           SELECT seq FROM messages WHERE instance = ? AND status = 'processing' AND lease_until < ? ORDER BY lease_until LIMIT ?)
         RETURNING *`,
        [...lease, claim.instance, claim.now, claim.limit],
      );
      const due = await db.all<MessageRow>(
        `${CLAIM} WHERE seq IN (
           SELECT m.seq FROM messages m
            WHERE m.instance = ? AND m.status = 'queued' AND m.next_attempt_at <= ? AND ${ORDERING_FREE}
            ORDER BY m.next_attempt_at, m.seq LIMIT ?)
         RETURNING *`,
        [...lease, claim.instance, claim.now, claim.limit - expired.length],
      );
      return [...expired, ...due].map(this.#toMessage).sort((a, b) => a.sequence - b.sequence);
    });
  }

  completeAttempt(completion: CompleteAttempt): Promise<boolean> {
    return this.#complete(completion);
  }

  releaseLeases(leaseOwner: string, now: number): Promise<number> {
    return this.#commits.write(async (db) => {
      // The interrupted attempt is given back: it never reached an outcome.
      const { changes } = await db.run(
        `UPDATE messages SET status = 'queued', attempts = MAX(attempts - 1, 0), next_attempt_at = ?,
                lease_owner = NULL, lease_until = NULL, updated_at = ?
          WHERE lease_owner = ? AND status = 'processing'`,
        [now, now, leaseOwner],
      );
      return changes;
    });
  }

  planReplay(filter: MessageFilter): Promise<ReplayPlan> {
    return planReplay(this.reader, filter);
  }

  replay(target: ReplayTarget, now: number, maxAgeMs: (instance: string) => number, actor: Actor) {
    return this.#commits.write(async (db, audit) => {
      // By id an operator may bring back a cancelled message; a filter never does: cancelled is closed for good.
      const { from, where, params } =
        'ids' in target
          ? { from: 'messages', where: `id IN (${target.ids.map(() => '?').join(', ') || 'NULL'})`, params: target.ids }
          : { from: REPLAYABLE, ...replayableClause(target.filter) };
      const batch = 'batch' in target ? target.batch : undefined;
      const page = batch ? { sql: 'AND seq > ? ORDER BY seq LIMIT ?', params: [batch.afterSequence, batch.limit] } : { sql: 'ORDER BY seq', params: [] };
      const dead = await db.all<{ id: string; instance: string; replays: number; attempts: number }>(
        `SELECT id, instance, replays, attempts FROM ${from} WHERE status = 'dead' AND ${where} ${page.sql}`,
        [...params, ...page.params],
      );
      for (const message of dead) {
        await db.run(
          `UPDATE messages SET status = 'queued', attempts = 0, replays = replays + 1, next_attempt_at = ?,
                  expires_at = ?, cancelled_at = NULL, updated_at = ?
            WHERE id = ?`,
          [now, now + maxAgeMs(message.instance), now, message.id],
        );
        audit.push({
          at: now,
          actor,
          action: 'message.replayed',
          messageId: message.id,
          instance: message.instance,
          summary: { from: 'dead', to: 'queued', replay: message.replays + 1, attemptsBefore: message.attempts, by: 'ids' in target ? 'id' : 'filter' },
        });
      }
      return dead.map((message) => message.id);
    });
  }

  cancel(id: string, now: number, reason: string, actor: Actor): Promise<MessageRecord | undefined> {
    return this.#commits.write(async (db, audit) => {
      const before = await db.get<{ status: MessageStatus }>('SELECT status FROM messages WHERE id = ?', [id]);
      const row = await db.get<MessageRow>(
        `UPDATE messages SET status = 'dead', cancelled_at = ?, last_error = ?, next_attempt_at = NULL, updated_at = ?
          WHERE id = ? AND status IN ('queued', 'dead') AND cancelled_at IS NULL
        RETURNING *`,
        [now, reason, now, id],
      );
      if (!row) return undefined;
      audit.push({ at: now, actor, action: 'message.cancelled', messageId: id, instance: row.instance, summary: { from: before?.status, to: 'dead', reason } });
      return this.#toMessage(row);
    });
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
    return this.#commits.write((db, audit) => resumeInstance(db, audit, instance, resume));
  }

  pausedInstances(): Promise<InstancePause[]> {
    return pausedInstances(this.reader);
  }

  purgePayloads(succeededBefore: number, now: number, actor: Actor): Promise<number> {
    return this.#commits.write(async (db, audit) => {
      const { changes } = await db.run(
        `UPDATE messages SET payload = 'null', payload_purged_at = ?
          WHERE status = 'succeeded' AND updated_at < ? AND payload_purged_at IS NULL`,
        [now, succeededBefore],
      );
      if (changes > 0) audit.push({ at: now, actor, action: 'payloads.purged', summary: { messages: changes, succeededBefore } });
      return changes;
    });
  }

  async getStoredResponse(scope: string, key: string): Promise<StoredResponse | undefined> {
    const row = await this.reader.get<{ request_hash: string; status: number | null; body: string | null; created_at: number }>(
      'SELECT request_hash, status, body, created_at FROM idempotency_keys WHERE scope = ? AND key = ?',
      [scope, key],
    );
    return row && { requestHash: row.request_hash, status: row.status, body: row.body, createdAt: row.created_at };
  }

  async storeResponse(scope: string, key: string, response: StoredResponse): Promise<void> {
    await this.#commits.write((db) =>
      db.run(
        'INSERT OR IGNORE INTO idempotency_keys (scope, key, request_hash, status, body, created_at) VALUES (?, ?, ?, ?, ?, ?)',
        [scope, key, response.requestHash, response.status, response.body, response.createdAt],
      ),
    );
  }

  async createKey(key: ApiKeyRecord, actor: Actor): Promise<void> {
    await this.#commits.write(async (db, audit) => {
      await db.run('INSERT INTO api_keys (id, hash, role, agencies, label, created_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?, ?)', [
        key.id, key.hash, key.role, JSON.stringify(key.agencies), key.label, key.createdAt, key.revokedAt,
      ]);
      audit.push({ at: key.createdAt, actor, action: 'key.created', summary: { keyId: key.id, role: key.role, agencies: key.agencies, label: key.label } });
    });
  }

  findKeyByHash(hash: string): Promise<ApiKeyRecord | undefined> {
    return this.#keyLookups.load(hash);
  }

  async listKeys(): Promise<ApiKeyRecord[]> {
    return (await this.reader.all<ApiKeyRow>('SELECT * FROM api_keys ORDER BY created_at')).map(toApiKey);
  }

  revokeKey(id: string, now: number, actor: Actor): Promise<boolean> {
    return this.#commits.write(async (db, audit) => {
      const { changes } = await db.run('UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL', [now, id]);
      if (changes > 0) audit.push({ at: now, actor, action: 'key.revoked', summary: { keyId: id } });
      return changes > 0;
    });
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
  /** Runs before migrations are applied to the file, given their versions; throwing refuses the store unchanged. */
  beforeMigrating?: ((versions: number[]) => Promise<void>) | undefined;
  /** Runs once the store is closed: the gateway process gives up its claim on the file. */
  onClose?: (() => Promise<void>) | undefined;
}
