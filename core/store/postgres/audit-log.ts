import { type AuditEntry, type AuditInput, chainEntries } from '../../audit/chain.ts';
import { AuditKeyChanged, type AuditKeyPeriod, checkAuditKey } from '../../audit/key-binding.ts';
import { auditKeyId } from '../../audit/key-id.ts';
import type { AuditFilter } from '../types.ts';
import type { Queries } from './connection.ts';
import type { LockingAuditWriter } from './group-commit.ts';

interface AuditRow {
  seq: number;
  at: number;
  actor: string;
  action: string;
  message_id: string | null;
  instance: string | null;
  summary: string;
  prev_hash: string;
  hash: string;
}

type Head = { seq: number; hash: string };
type HeadRow = { seq: number; hash: string; key_id: string | null };

interface ChainState {
  head: Head;
  key: Buffer;
  keyId: string;
}

export const INSERT_ENTRIES = `
  INSERT INTO audit_log (seq, at, actor, action, message_id, instance, summary, prev_hash, hash)
  SELECT seq, at, actor, action, "messageId", instance, summary, "prevHash", hash
    FROM jsonb_to_recordset(?::jsonb) AS e(seq bigint, at bigint, actor text, action text, "messageId" text, instance text,
                                          summary text, "prevHash" text, hash text)`;

/**
 * The head of the chain, locked until the transaction ends: a process appending waits here for any other that
 * appends, and then chains from what that one committed. The key new entries take is in the same row: read from
 * another table, it would come from the snapshot taken before the wait, and miss a rotation committed meanwhile.
 */
const LOCK_HEAD = 'SELECT seq, hash, key_id FROM audit_head WHERE id = 1 FOR UPDATE';

/** The store's key history, oldest first: the last period's key chains new entries. */
export async function readAuditKeys(db: Queries): Promise<AuditKeyPeriod[]> {
  const rows = await db.all<{ from_seq: number; key_id: string }>('SELECT from_seq, key_id FROM audit_keys ORDER BY from_seq');
  return rows.map((row) => ({ fromSeq: row.from_seq, keyId: row.key_id }));
}

/** The entries and the head that moves to the last of them, in one statement (one round trip). */
async function insertEntries(db: Queries, entries: AuditEntry[]): Promise<void> {
  const last = entries.at(-1);
  if (!last) return;
  const rows = entries.map((entry) => ({ ...entry, summary: JSON.stringify(entry.summary) }));
  await db.run(`WITH appended AS (${INSERT_ENTRIES}) UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1`, [JSON.stringify(rows), last.seq, last.hash]);
}

/**
 * Checks `key` against the key the store records, under the head's lock (so two processes starting on an empty
 * store record one key), and records it when the store has none yet. Refused, it throws having written nothing.
 */
export async function bindKey(db: Queries, key: Buffer, keyName: string): Promise<void> {
  await db.run('BEGIN');
  try {
    await db.get(LOCK_HEAD);
    const last = (await db.all<AuditRow>('SELECT * FROM audit_log ORDER BY seq DESC LIMIT 1')).map(toEntry)[0];
    const check = checkAuditKey(key, keyName, (await readAuditKeys(db)).at(-1), last);
    if (check.outcome === 'refused') throw check.error;
    if (check.outcome === 'record') {
      await db.run('DELETE FROM audit_keys');
      await db.run('INSERT INTO audit_keys (from_seq, key_id, recorded_at) VALUES (?, ?, ?)', [check.fromSeq, check.keyId, Date.now()]);
      await db.run('UPDATE audit_head SET key_id = ? WHERE id = 1', [check.keyId]);
    }
    await db.run('COMMIT');
  } catch (error) {
    await db.run('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/**
 * Appends each batch's entries to the one chain every process shares, inside the batch's transaction: the group
 * commit locks the head row first (or else the first append does), so the entries of concurrent transactions line up
 * one after another. If another process rotated the key, the entries are refused rather than chained under a key the
 * log left.
 */
export class PostgresAuditLog implements LockingAuditWriter {
  #key: Buffer;
  #keyId: string;
  /** The head row as this transaction locked it, before any append. */
  #locked: HeadRow | undefined;
  /** The locked head and key, once this transaction appended. */
  #pending: ChainState | undefined;

  constructor(key: Buffer) {
    this.#key = key;
    this.#keyId = auditKeyId(key);
  }

  /** The id of the key new entries are chained with. */
  get keyId(): string {
    return this.#keyId;
  }

  /**
   * Opens the transaction and waits for the head, in one round trip, and holds it until the transaction ends; a key
   * another process rotated to is only refused when entries come.
   */
  async beginAndLockHead(db: Queries): Promise<void> {
    this.#locked = await lockedHead(db, `BEGIN; ${LOCK_HEAD}`);
  }

  async #lock(db: Queries): Promise<ChainState> {
    return this.#pending ?? this.#stateOf(this.#locked ?? (await lockedHead(db)));
  }

  #stateOf(row: HeadRow): ChainState {
    if (row.key_id !== this.#keyId) throw new AuditKeyChanged(this.#keyId, row.key_id ?? undefined);
    return { head: { seq: row.seq, hash: row.hash }, key: this.#key, keyId: this.#keyId };
  }

  /**
   * Chains `inputs` after the head this transaction holds, for the caller to write in a statement of its own with
   * other rows (INSERT_ENTRIES with `rows`, then the head moved to `seq` and `hash`): undefined when the head is not
   * held yet, and the caller pushes them to the batch's entries instead.
   */
  chainNow(inputs: AuditInput[]): { rows: string; seq: number; hash: string } | undefined {
    const state = this.#pending ?? (this.#locked && this.#stateOf(this.#locked));
    if (!state) return undefined;
    const entries = chainEntries(state.key, state.head, inputs);
    const last = entries.at(-1);
    if (!last) return undefined;
    this.#pending = { ...state, head: { seq: last.seq, hash: last.hash } };
    return { rows: JSON.stringify(entries.map((entry) => ({ ...entry, summary: JSON.stringify(entry.summary) }))), seq: last.seq, hash: last.hash };
  }

  /** Where the chain stands in this transaction, to go back to when a savepoint is rolled back. */
  mark(): unknown {
    return this.#pending;
  }

  restore(mark: unknown): void {
    this.#pending = mark as ChainState | undefined;
  }

  async append(db: Queries, inputs: AuditInput[]): Promise<void> {
    const state = await this.#lock(db);
    const entries = chainEntries(state.key, state.head, inputs);
    await insertEntries(db, entries);
    const last = entries.at(-1);
    this.#pending = { ...state, head: last ? { seq: last.seq, hash: last.hash } : state.head };
  }

  /**
   * Inside a write transaction: appends `input` (an `audit.key.rotated` entry naming the new key's id) under the
   * current key, records that entries after it are chained with `newKey`, and chains later entries with it.
   */
  async rotate(db: Queries, newKey: Buffer, input: AuditInput): Promise<AuditEntry> {
    const state = await this.#lock(db);
    const [entry] = chainEntries(state.key, state.head, [input]);
    if (!entry) throw new Error('no rotation entry');
    await insertEntries(db, [entry]);
    const keyId = auditKeyId(newKey);
    await db.run('INSERT INTO audit_keys (from_seq, key_id, recorded_at) VALUES (?, ?, ?)', [entry.seq + 1, keyId, input.at]);
    await db.run('UPDATE audit_head SET key_id = ? WHERE id = 1', [keyId]);
    this.#pending = { head: { seq: entry.seq, hash: entry.hash }, key: newKey, keyId };
    return entry;
  }

  committed(): void {
    if (this.#pending) {
      this.#key = this.#pending.key;
      this.#keyId = this.#pending.keyId;
    }
    this.#pending = undefined;
    this.#locked = undefined;
  }

  rolledBack(): void {
    this.#pending = undefined;
    this.#locked = undefined;
  }
}

async function lockedHead(db: Queries, sql = LOCK_HEAD): Promise<HeadRow> {
  const row = await db.get<HeadRow>(sql);
  if (!row) throw new Error('the audit chain has no head row: the store was not migrated');
  return row;
}

function toEntry(row: AuditRow): AuditEntry {
  return {
    seq: row.seq,
    at: row.at,
    actor: row.actor,
    action: row.action,
    messageId: row.message_id ?? undefined,
    instance: row.instance ?? undefined,
    summary: JSON.parse(row.summary) as Record<string, unknown>,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

export async function listAudit(db: Queries, filter: AuditFilter, limit: number): Promise<AuditEntry[]> {
  const conditions: string[] = [];
  const params: unknown[] = [];
  const add = (condition: string, value: unknown) => {
    conditions.push(condition);
    params.push(value);
  };
  if (filter.messageId !== undefined) add('message_id = ?', filter.messageId);
  if (filter.since !== undefined) add('at >= ?', filter.since);
  if (filter.until !== undefined) add('at < ?', filter.until);
  if (filter.afterSeq !== undefined) add('seq > ?', filter.afterSeq);
  const where = conditions.length > 0 ? conditions.join(' AND ') : 'true';
  const rows = await db.all<AuditRow>(`SELECT * FROM audit_log WHERE ${where} ORDER BY seq LIMIT ?`, [...params, limit]);
  return rows.map(toEntry);
}
