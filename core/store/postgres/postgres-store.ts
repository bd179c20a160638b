import type pg from 'pg';
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
import { type PayloadCodec, payloadCodec } from '../payload-cipher.ts';
import type { Acceptance } from '../sqlite/bulk-writes.ts';
import { type AttemptRow, type MessageRow, toAttempt, toMessage } from '../sqlite/rows.ts';
import type { StoreUnavailableError } from '../unavailable.ts';
import { PostgresAuditLog, bindKey, listAudit, readAuditKeys } from './audit-log.ts';
import { completeAttempts, insertAcceptances } from './bulk-writes.ts';
import { claimDue } from './claim.ts';
import { type Queries, Session, createPool, poolQueries } from './connection.ts';
import { foldCounters } from './counters.ts';
import { BacklogStatistics, analyzeBeforeResume } from './backlog-statistics.ts';
import { PostgresGroupCommit } from './group-commit.ts';
import { databaseTarget } from './database-url.ts';
import { readDossierTimeline } from './dossier-timeline.ts';
import { extendPausedBatch, pauseInstance } from './instance-pauses.ts';
import { endPause, pauseOf, pausedInstances } from '../pause-rows.ts';
import { resumeInBatches } from '../resume-in-batches.ts';
import { listMessageRows } from './message-query.ts';
import { checkMigrated, isMigrated, migrate, refuseMigratingUnderGateways } from './migrate.ts';
import { readOverview, readQueues } from './overview.ts';
import { createRecord, getRecord, listRecords, transitionRecord } from './plugin-records.ts';
import { Notifications } from './notifications.ts';
import { PostgresApiKeys } from './api-keys.ts';
import { planReplay } from './replay-plan.ts';
import { classifyPostgresError } from './unavailable-errors.ts';
import { runAlone } from './task-lock.ts';
import { cancel, purgePayloads, releaseLeases, replay } from './message-writes.ts';
import { ConfigError } from '../../config/config-error.ts';
import type { PostgresStoreOptions } from './store-options.ts';

/** How often a process folds the counters' rows of changes (counters.ts). */
const FOLD_INTERVAL_MS = 30_000;


/**
 * The store for several gateway processes: one PostgreSQL database they share. Each process groups its own writes
 * into one transaction at a time on a connection kept for them (group commit); reads, and claims, which commit
 * statement by statement, use the others of its pool. What several processes must not do at once is serialised in
 * the database: claims by row locks (SKIP LOCKED), the audit chain by its head row, migrations by an advisory lock.
 */
export class PostgresStore implements Store {
  readonly #commits: PostgresGroupCommit;
  readonly #accept: (acceptance: Acceptance) => Promise<AcceptResult>;
  readonly #complete: (completion: CompleteAttempt) => Promise<boolean>;
  readonly #availability: StoreAvailability;
  readonly #reads: Queries;
  readonly #apiKeys: PostgresApiKeys;
  readonly #foldTimer: NodeJS.Timeout;
  readonly #workListeners = new Set<(instances: string[]) => void>();
  readonly #notifications: Notifications;

  private constructor(
    private readonly pool: pg.Pool,
    private readonly session: Session,
    private readonly where: string,
    private readonly auditLog: PostgresAuditLog,
    private readonly auditKeys: AuditKeyring,
    private readonly codec: PayloadCodec,
    private readonly options: PostgresStoreOptions,
    listenConfig: pg.ClientConfig,
  ) {
    this.#availability = new StoreAvailability(
      () => this.#commits.write((db) => db.run('INSERT INTO store_probe (id, at) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET at = excluded.at', [Date.now()])).then(() => undefined),
      options.probeIntervalMs,
    );
    this.#reads = poolQueries(pool, where, (error) => this.#availability.failed(error));
    this.#commits = new PostgresGroupCommit(session, auditLog, { onUnavailable: (error) => this.#availability.failed(error) });
    this.#accept = this.#commits.channel((db, items, audit) => insertAcceptances(db, items, audit, codec, (inputs) => auditLog.chainNow(inputs)));
    this.#complete = this.#commits.channel((db, items, audit) => completeAttempts(db, items, audit, codec));
    this.#apiKeys = new PostgresApiKeys(this.#commits, this.#reads, options.keysKeptMs);
    const statistics = new BacklogStatistics(this.#reads);
    this.#foldTimer = setInterval(
      () => void this.#commits.write((db) => foldCounters(db)).then(() => statistics.refresh()).catch(() => undefined),
      FOLD_INTERVAL_MS,
    );
    this.#foldTimer.unref();
    this.#notifications = new Notifications(listenConfig, {
      work: (instances, from) => {
        // This process's own writes woke its worker already: only the other processes' are news.
        if (from === session.backendPid) return;
        for (const listener of this.#workListeners) listener(instances);
      },
      keysChanged: () => this.#apiKeys.kept.forget(),
      listening: (on) => this.#apiKeys.kept.listening(on),
    });
  }

  /**
   * Connects, applies the migrations not yet applied (one process at a time), and checks the audit key against the
   * one the store records: another key is refused (AuditKeyRefused) with nothing written.
   */
  static async open(options: PostgresStoreOptions): Promise<PostgresStore> {
    const target = databaseTarget(options.url);
    const pool = createPool({ connectionString: target.connectionString, poolSize: options.poolSize ?? target.poolSize, schema: options.schema, statementTimeoutMs: options.statementTimeoutMs });
    const session = new Session(pool, target.display);
    try {
      if (options.existing && !(await isMigrated(pool))) {
        throw new ConfigError(`no lienthong store in ${target.display}: check LIENTHONG_DATABASE_URL, or start \`lienthong serve\` with it once to create it`);
      }
      await migrate(pool, target.display, options.gateway === false ? (versions, client) => refuseMigratingUnderGateways(versions, client, target.display) : undefined);
      await bindKey(session, options.auditKey, options.auditKeyName ?? 'the audit key');
      const keyring = new AuditKeyring([...(options.olderAuditKeys ?? []), options.auditKey]);
      const listenConfig = { connectionString: target.connectionString, application_name: 'lienthong', ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}) };
      return new PostgresStore(pool, session, target.display, new PostgresAuditLog(options.auditKey), keyring, payloadCodec(options.dataKey), options, listenConfig);
    } catch (error) {
      session.close();
      await pool.end().catch(() => undefined);
      throw classifyPostgresError(error, target.display, { starting: true });
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
    const row = await this.#reads.get<MessageRow>('SELECT * FROM messages WHERE id = ?', [id]);
    return row && this.#toMessage(row);
  }

  /** Newest first by creation; the cursor is the last message's sequence number. */
  async listMessages(filter: MessageFilter, page: { limit: number; cursor?: string }): Promise<MessagePage> {
    const rows = await listMessageRows(this.#reads, filter, page.limit + 1, page.cursor);
    if (!rows) return { messages: [] };
    const messages = rows.slice(0, page.limit).map(this.#toMessage);
    const last = messages.at(-1);
    return rows.length > page.limit && last ? { messages, nextCursor: String(last.sequence) } : { messages };
  }

  async listAttempts(messageId: string) {
    return (await this.#reads.all<AttemptRow>('SELECT * FROM attempts WHERE message_id = ? ORDER BY round, number', [messageId])).map(toAttempt);
  }

  async claimDue(claim: { instance: string; limit: number; now: number; leaseOwner: string; leaseUntil: number }): Promise<MessageRecord[]> {
    return (await claimDue(this.#reads, claim)).map(this.#toMessage).sort((a, b) => a.sequence - b.sequence);
  }

  completeAttempt(completion: CompleteAttempt): Promise<boolean> {
    return this.#complete(completion);
  }

  releaseLeases(leaseOwner: string, now: number, ids?: readonly string[]): Promise<number> {
    return this.#commits.write((db) => releaseLeases(db, leaseOwner, now, ids));
  }

  planReplay(filter: MessageFilter): Promise<ReplayPlan> {
    return planReplay(this.#reads, filter);
  }

  replay(target: ReplayTarget, now: number, maxAgeMs: (instance: string) => number, actor: Actor): Promise<string[]> {
    return this.#commits.write((db, audit) => replay(db, audit, target, now, maxAgeMs, actor));
  }

  async cancel(id: string, now: number, reason: string, actor: Actor): Promise<MessageRecord | undefined> {
    const row = await this.#commits.write((db, audit) => cancel(db, audit, id, now, reason, actor));
    return row && this.#toMessage(row);
  }

  async queueStats(): Promise<InstanceQueueStats[]> {
    return (await readQueues(this.#reads)).map(({ capability: _, ...queue }) => queue);
  }

  overview(now: number, agencies?: readonly string[]): Promise<Overview> {
    return readOverview(this.#reads, now, agencies);
  }

  dossierTimeline(code: string, options: { agencies?: readonly string[] | undefined; limit?: number } = {}): Promise<DossierEntry[]> {
    return readDossierTimeline(this.#reads, this.codec, code, options);
  }

  pauseInstance(instance: string, pause: { actor: Actor; reason?: string | undefined; at: number }): Promise<{ pause: InstancePause; created: boolean }> {
    return this.#commits.write((db, audit) => pauseInstance(db, audit, instance, pause));
  }

  resumeInstance(instance: string, resume: { actor: Actor; at: number }): Promise<InstanceResume | undefined> {
    return resumeInBatches(
      {
        pause: async () => {
          const pause = await pauseOf(this.#reads, instance);
          if (pause) await analyzeBeforeResume(this.#reads, instance);
          return pause;
        },
        extend: (pause, after, limit) => this.#commits.write((db) => extendPausedBatch(db, pause, resume.at, after, limit)),
        end: (pause, extended) => this.#commits.write((db, audit) => endPause(db, audit, pause, resume, extended)),
      },
      this.options.resumeBatch,
    );
  }

  pausedInstances(): Promise<InstancePause[]> {
    return pausedInstances(this.#reads);
  }

  purgePayloads(succeededBefore: number, now: number, actor: Actor): Promise<number> {
    return this.#commits.write((db, audit) => purgePayloads(db, audit, succeededBefore, now, actor));
  }

  async getStoredResponse(scope: string, key: string): Promise<StoredResponse | undefined> {
    const row = await this.#reads.get<{ request_hash: string; status: number | null; body: string | null; created_at: number }>(
      'SELECT request_hash, status, body, created_at FROM idempotency_keys WHERE scope = ? AND key = ?',
      [scope, key],
    );
    return row && { requestHash: row.request_hash, status: row.status, body: row.body, createdAt: row.created_at };
  }

  async storeResponse(scope: string, key: string, response: StoredResponse): Promise<void> {
    await this.#commits.write((db) =>
      db.run(
        'INSERT INTO idempotency_keys (scope, key, request_hash, status, body, created_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
        [scope, key, response.requestHash, response.status, response.body, response.createdAt],
      ),
    );
  }

  createKey(key: ApiKeyRecord, actor: Actor): Promise<void> {
    return this.#apiKeys.create(key, actor);
  }

  findKeyByHash(hash: string): Promise<ApiKeyRecord | undefined> {
    // Keys are kept only while key changes are heard: the first look-up starts listening.
    this.#notifications.start();
    return this.#apiKeys.find(hash);
  }

  listKeys(): Promise<ApiKeyRecord[]> {
    return this.#apiKeys.list();
  }

  revokeKey(id: string, now: number, actor: Actor): Promise<boolean> {
    return this.#apiKeys.revoke(id, now, actor);
  }

  getRecord(instance: string, key: string): Promise<StoredRecord | undefined> {
    return getRecord(this.#reads, instance, key, this.codec);
  }

  createRecord(record: NewRecord): Promise<{ record: StoredRecord; created: boolean }> {
    return this.#commits.write((db, audit) => createRecord(db, audit, record, this.codec));
  }

  transitionRecord(change: RecordChange): Promise<StoredRecord | undefined> {
    return this.#commits.write((db, audit) => transitionRecord(db, audit, change, this.codec));
  }

  listRecords(instance: string, filter: { status: string; updatedBefore?: number | undefined; limit: number }): Promise<StoredRecord[]> {
    return listRecords(this.#reads, instance, filter, this.codec);
  }

  async appendAudit(entries: AuditInput[]): Promise<void> {
    if (entries.length === 0) return;
    await this.#commits.write(async (_db, audit) => {
      audit.push(...entries);
    });
  }

  listAudit(filter: AuditFilter, limit: number): Promise<AuditEntry[]> {
    return listAudit(this.#reads, filter, limit);
  }

  async verifyAudit(exported?: AuditEntry): Promise<AuditVerification> {
    const [first] = await readAuditKeys(this.#reads);
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

  /** Folds the counters' rows of changes now (counters.ts); each process does it by itself every 30 s. */
  foldCounters(): Promise<void> {
    return this.#commits.write((db) => foldCounters(db));
  }

  onNewWork(listener: (instances: string[]) => void): () => void {
    this.#workListeners.add(listener);
    this.#notifications.start();
    return () => this.#workListeners.delete(listener);
  }

  /** Runs `work` unless another process runs work under the same name now (task-lock.ts). */
  runAlone(name: string, work: () => Promise<void>): Promise<boolean> {
    return runAlone(this.pool, this.where, name, work);
  }

  async checkReady(): Promise<void> {
    const outage = this.#availability.outage;
    if (outage) throw outage;
    await checkMigrated((sql) => this.#reads.all(sql), this.where);
  }

  /** Where the store is, its password masked: for operators' lines. */
  get location(): string {
    return this.where;
  }

  async close(): Promise<void> {
    this.#availability.close();
    clearInterval(this.#foldTimer);
    await this.#notifications.close();
    await this.#commits.drain();
    this.session.close();
    await this.pool.end();
  }
}

