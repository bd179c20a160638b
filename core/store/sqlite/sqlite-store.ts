import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import sqlite3 from 'sqlite3';
import type {
  AcceptResult,
  ApiKeyRecord,
  CompleteAttempt,
  IdempotencyClaim,
  InstanceQueueStats,
  MessageFilter,
  MessageRecord,
  MessageStatus,
  NewMessage,
  ReplayPlan,
  Store,
  StoredResponse,
} from '../types.ts';
import { type Connection, openConnection } from './connection.ts';
import { filterClause } from './filter.ts';
import { GroupCommit } from './group-commit.ts';
import { checkMigrated, migrate } from './migrate.ts';
import {
  type ApiKeyRow,
  type AttemptRow,
  type MessageRow,
  insertMessagesSql,
  newMessageValues,
  toApiKey,
  toAttempt,
  toMessage,
} from './rows.ts';

interface Acceptance {
  message: NewMessage;
  idempotency: IdempotencyClaim | undefined;
}

/** A message may run when no earlier message with its ordering key still waits, or lies dead uncancelled. */
const ORDERING_FREE = `(m.ordering_key IS NULL OR NOT EXISTS (
  SELECT 1 FROM messages p
  WHERE p.instance = m.instance AND p.ordering_key = m.ordering_key AND p.seq < m.seq
    AND (p.status IN ('queued', 'processing') OR (p.status = 'dead' AND p.cancelled_at IS NULL))))`;

/**
 * The default store: one SQLite file in WAL mode. All writes go through one connection with group commit;
 * reads use a second connection, so they see only committed data and never wait for a write's fsync.
 */
export class SqliteStore implements Store {
  private constructor(
    private readonly writer: Connection,
    private readonly reader: Connection,
    private readonly commits: GroupCommit<Acceptance, AcceptResult>,
  ) {}

  static async open(file: string): Promise<SqliteStore> {
    await mkdir(dirname(file), { recursive: true });
    const writer = await openConnection(file);
    await migrate(writer);
    const reader = await openConnection(file, sqlite3.OPEN_READONLY);
    return new SqliteStore(writer, reader, new GroupCommit(writer, { flushBulk: insertAcceptances }));
  }

  accept(message: NewMessage, idempotency?: IdempotencyClaim): Promise<AcceptResult> {
    return this.commits.add({ message, idempotency });
  }

  async getMessage(id: string): Promise<MessageRecord | undefined> {
    const row = await this.reader.get<MessageRow>('SELECT * FROM messages WHERE id = ?', [id]);
    return row && toMessage(row);
  }

  async listMessages(filter: MessageFilter, page: { limit: number; cursor?: string }) {
    const { where, params } = filterClause(filter);
    const before = page.cursor ? Number(page.cursor) : Number.MAX_SAFE_INTEGER;
    const rows = await this.reader.all<MessageRow>(
      `SELECT * FROM messages WHERE ${where} AND seq < ? ORDER BY seq DESC LIMIT ?`,
      [...params, before, page.limit + 1],
    );
    const messages = rows.slice(0, page.limit).map(toMessage);
    const last = messages.at(-1);
    return rows.length > page.limit && last ? { messages, nextCursor: String(last.sequence) } : { messages };
  }

  async listAttempts(messageId: string) {
    const rows = await this.reader.all<AttemptRow>(
      'SELECT * FROM attempts WHERE message_id = ? ORDER BY round, number',
      [messageId],
    );
    return rows.map(toAttempt);
  }

  claimDue(claim: { instance: string; limit: number; now: number; leaseOwner: string; leaseUntil: number }) {
    return this.commits.write(async (db) => {
      const rows = await db.all<MessageRow>(
        `UPDATE messages
            SET status = 'processing', attempts = attempts + 1, lease_owner = ?, lease_until = ?, updated_at = ?
          WHERE seq IN (
            SELECT m.seq FROM messages m
             WHERE m.instance = ?
               AND ((m.status = 'queued' AND m.next_attempt_at <= ?) OR (m.status = 'processing' AND m.lease_until < ?))
               AND ${ORDERING_FREE}
             ORDER BY m.next_attempt_at, m.seq
             LIMIT ?)
        RETURNING *`,
        [claim.leaseOwner, claim.leaseUntil, claim.now, claim.instance, claim.now, claim.now, claim.limit],
      );
      return rows.map(toMessage).sort((a, b) => a.sequence - b.sequence);
    });
  }

  completeAttempt(completion: CompleteAttempt): Promise<boolean> {
    return this.commits.write(async (db) => {
      const status: MessageStatus = completion.outcome === 'retry' ? 'queued' : completion.outcome;
      const { changes } = await db.run(
        `UPDATE messages
            SET status = ?, next_attempt_at = ?, lease_owner = NULL, lease_until = NULL,
                last_error = COALESCE(?, last_error), result = COALESCE(?, result), updated_at = ?
          WHERE id = ? AND lease_owner = ? AND status = 'processing'`,
        [
          status,
          completion.outcome === 'retry' ? (completion.nextAttemptAt ?? completion.now) : null,
          completion.error ?? null,
          completion.result === undefined ? null : JSON.stringify(completion.result),
          completion.now,
          completion.messageId,
          completion.leaseOwner,
        ],
      );
      const attempt = completion.attempt;
      if (attempt) {
        await db.run(
          `INSERT OR IGNORE INTO attempts (message_id, round, number, started_at, finished_at, outcome, error, provider_code)
           SELECT id, replays, ?, ?, ?, ?, ?, ? FROM messages WHERE id = ?`,
          [
            attempt.number,
            attempt.startedAt,
            completion.now,
            attempt.skipped ? 'skipped' : completion.outcome,
            completion.error ?? null,
            completion.providerCode ?? null,
            completion.messageId,
          ],
        );
      }
      if (changes > 0 && completion.enqueue?.length) await insertMessages(db, completion.enqueue);
      return changes > 0;
    });
  }

  releaseLeases(leaseOwner: string, now: number): Promise<number> {
    return this.commits.write(async (db) => {
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

  async planReplay(filter: MessageFilter): Promise<ReplayPlan> {
    const { where, params } = filterClause({ ...filter, status: 'dead' });
    const rows = await this.reader.all<{ instance: string; count: number }>(
      `SELECT instance, COUNT(*) AS count FROM messages WHERE ${where} GROUP BY instance ORDER BY instance`,
      params,
    );
    const byInstance = Object.fromEntries(rows.map((row) => [row.instance, row.count]));
    return { total: rows.reduce((sum, row) => sum + row.count, 0), byInstance };
  }

  replay(target: { ids: string[] } | { filter: MessageFilter }, now: number, maxAgeMs: (instance: string) => number) {
    return this.commits.write(async (db) => {
      const { where, params } =
        'ids' in target
          ? { where: `id IN (${target.ids.map(() => '?').join(', ') || 'NULL'})`, params: target.ids }
          : filterClause(target.filter);
      const dead = await db.all<{ id: string; instance: string }>(
        `SELECT id, instance FROM messages WHERE status = 'dead' AND ${where} ORDER BY seq`,
        params,
      );
      for (const message of dead) {
        await db.run(
          `UPDATE messages SET status = 'queued', attempts = 0, replays = replays + 1, next_attempt_at = ?,
                  expires_at = ?, cancelled_at = NULL, updated_at = ?
            WHERE id = ?`,
          [now, now + maxAgeMs(message.instance), now, message.id],
        );
      }
      return dead.map((message) => message.id);
    });
  }

  cancel(id: string, now: number, reason: string): Promise<MessageRecord | undefined> {
    return this.commits.write(async (db) => {
      const row = await db.get<MessageRow>(
        `UPDATE messages SET status = 'dead', cancelled_at = ?, last_error = ?, next_attempt_at = NULL, updated_at = ?
          WHERE id = ? AND status IN ('queued', 'dead') AND cancelled_at IS NULL
        RETURNING *`,
        [now, reason, now, id],
      );
      return row && toMessage(row);
    });
  }

  async queueStats(): Promise<InstanceQueueStats[]> {
    const rows = await this.reader.all<{ instance: string; status: MessageStatus; count: number; oldest: number }>(
      'SELECT instance, status, COUNT(*) AS count, MIN(created_at) AS oldest FROM messages GROUP BY instance, status',
    );
    const stats = new Map<string, InstanceQueueStats>();
    for (const row of rows) {
      const entry = stats.get(row.instance) ?? {
        instance: row.instance, queued: 0, processing: 0, dead: 0, succeeded: 0, oldestWaitingAt: null,
      };
      entry[row.status] = row.count;
      if (row.status === 'queued' || row.status === 'processing') {
        entry.oldestWaitingAt = Math.min(entry.oldestWaitingAt ?? row.oldest, row.oldest);
      }
      stats.set(row.instance, entry);
    }
    return [...stats.values()];
  }

  async getStoredResponse(scope: string, key: string): Promise<StoredResponse | undefined> {
    const row = await this.reader.get<{ request_hash: string; status: number; body: string; created_at: number }>(
      'SELECT request_hash, status, body, created_at FROM idempotency_keys WHERE scope = ? AND key = ? AND status IS NOT NULL',
      [scope, key],
    );
    return row && { requestHash: row.request_hash, status: row.status, body: row.body, createdAt: row.created_at };
  }

  async storeResponse(scope: string, key: string, response: StoredResponse): Promise<void> {
    await this.commits.write((db) =>
      db.run(
        'INSERT OR IGNORE INTO idempotency_keys (scope, key, request_hash, status, body, created_at) VALUES (?, ?, ?, ?, ?, ?)',
        [scope, key, response.requestHash, response.status, response.body, response.createdAt],
      ),
    );
  }

  async createKey(key: ApiKeyRecord): Promise<void> {
    await this.commits.write((db) =>
      db.run('INSERT INTO api_keys (id, hash, role, agencies, label, created_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?, ?)', [
        key.id, key.hash, key.role, JSON.stringify(key.agencies), key.label, key.createdAt, key.revokedAt,
      ]),
    );
  }

  async findKeyByHash(hash: string): Promise<ApiKeyRecord | undefined> {
    const row = await this.reader.get<ApiKeyRow>('SELECT * FROM api_keys WHERE hash = ?', [hash]);
    return row && toApiKey(row);
  }

  async listKeys(): Promise<ApiKeyRecord[]> {
    return (await this.reader.all<ApiKeyRow>('SELECT * FROM api_keys ORDER BY created_at')).map(toApiKey);
  }

  revokeKey(id: string, now: number): Promise<boolean> {
    return this.commits.write(async (db) => {
      const { changes } = await db.run('UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL', [now, id]);
      return changes > 0;
    });
  }

  async checkReady(): Promise<void> {
    await checkMigrated(this.reader);
  }

  async close(): Promise<void> {
    await this.commits.drain();
    await this.reader.close();
    await this.writer.close();
  }
}

async function insertMessages(db: Connection, messages: NewMessage[]): Promise<void> {
  // SQLite allows 32,766 parameters per statement: 1,000 rows of 16 columns stay well inside.
  for (let start = 0; start < messages.length; start += 1000) {
    const chunk = messages.slice(start, start + 1000);
    await db.run(insertMessagesSql(chunk.length), chunk.flatMap(newMessageValues));
  }
}

/** The bulk half of group commit: every accept of a batch in one INSERT, after settling idempotency keys. */
async function insertAcceptances(db: Connection, acceptances: Acceptance[]): Promise<AcceptResult[]> {
  const results: AcceptResult[] = [];
  const fresh: NewMessage[] = [];
  for (const { message, idempotency } of acceptances) {
    if (idempotency) {
      const { changes } = await db.run(
        'INSERT OR IGNORE INTO idempotency_keys (scope, key, request_hash, message_id, created_at) VALUES (?, ?, ?, ?, ?)',
        [idempotency.scope, idempotency.key, idempotency.requestHash, message.id, message.createdAt],
      );
      if (changes === 0) {
        const existing = await db.get<{ request_hash: string; message_id: string | null }>(
          'SELECT request_hash, message_id FROM idempotency_keys WHERE scope = ? AND key = ?',
          [idempotency.scope, idempotency.key],
        );
        results.push(
          existing?.request_hash === idempotency.requestHash && existing.message_id
            ? { outcome: 'repeated', messageId: existing.message_id }
            : { outcome: 'conflict' },
        );
        continue;
      }
    }
    fresh.push(message);
    results.push({ outcome: 'accepted', messageId: message.id });
  }
  await insertMessages(db, fresh);
  return results;
}
