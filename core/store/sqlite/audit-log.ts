import { type AuditEntry, type AuditInput, GENESIS, chainEntries } from '../../audit/chain.ts';
import { AuditKeyChanged, type AuditKeyPeriod, checkAuditKey } from '../../audit/key-binding.ts';
import { auditKeyId } from '../../audit/key-id.ts';
import type { AuditFilter } from '../types.ts';
import type { Connection } from './connection.ts';
import type { AuditWriter } from './group-commit.ts';

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

/** The key entries are chained with, and the head they chain from. */
interface ChainState {
  head: Head;
  key: Buffer;
  keyId: string;
}

const INSERT_ENTRIES = `
  INSERT INTO audit_log (seq, at, actor, action, message_id, instance, summary, prev_hash, hash)
  SELECT value->>'seq', value->>'at', value->>'actor', value->>'action', value->>'messageId', value->>'instance',
         value->>'summary', value->>'prevHash', value->>'hash'
    FROM jsonb_each(?)`;

async function readHead(db: Connection): Promise<Head> {
  const row = await db.get<{ seq: number; hash: string }>('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1');
  return row ?? { seq: 0, hash: GENESIS };
}

/** The store's key history, oldest first: the last period's key chains new entries. */
export async function readAuditKeys(db: Connection): Promise<AuditKeyPeriod[]> {
  const rows = await db.all<{ from_seq: number; key_id: string }>('SELECT from_seq, key_id FROM audit_keys ORDER BY from_seq');
  return rows.map((row) => ({ fromSeq: row.from_seq, keyId: row.key_id }));
}

export async function readLastEntry(db: Connection): Promise<AuditEntry | undefined> {
  return (await db.all<AuditRow>('SELECT * FROM audit_log ORDER BY seq DESC LIMIT 1')).map(toEntry)[0];
}

/**
 * Checks `key` against the key the store records (checkAuditKey) and records it when the store has none yet.
 * Refused, it throws before writing anything; a key that matches writes nothing either. Only a record takes the
 * write lock, and decides again under it, in case another process recorded a key meanwhile.
 */
async function bindKey(db: Connection, key: Buffer, keyName: string): Promise<void> {
  const decide = async () => checkAuditKey(key, keyName, (await readAuditKeys(db)).at(-1), await readLastEntry(db));
  const first = await decide();
  if (first.outcome === 'matches') return;
  if (first.outcome === 'refused') throw first.error;
  await db.run('BEGIN IMMEDIATE');
  try {
    const check = await decide();
    if (check.outcome === 'refused') throw check.error;
    if (check.outcome === 'record') {
      await db.run('DELETE FROM audit_keys');
      await db.run('INSERT INTO audit_keys (from_seq, key_id, recorded_at) VALUES (?, ?, ?)', [check.fromSeq, check.keyId, Date.now()]);
    }
    await db.run('COMMIT');
  } catch (error) {
    await db.run('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/**
 * Appends each batch's entries to the chain, inside the batch's transaction. The head is kept in memory; if
 * another process appended meanwhile, the first new sequence number collides with its entry, and the head is
 * read again under the transaction's write lock, so the chain never forks. If that process rotated the key, the
 * entries are refused rather than chained under a key the log no longer continues with.
 */
export class SqliteAuditLog implements AuditWriter {
  #committed: ChainState;
  /** What this transaction has written so far: later entries of the same transaction chain from it. */
  #pending: ChainState | undefined;

  private constructor(state: ChainState) {
    this.#committed = state;
  }

  /** Refuses (AuditKeyRefused) a key that is not the one the store's log is chained with; `keyName` says where it came from. */
  static async open(db: Connection, key: Buffer, keyName = 'the audit key'): Promise<SqliteAuditLog> {
    await bindKey(db, key, keyName);
    return new SqliteAuditLog({ head: await readHead(db), key, keyId: auditKeyId(key) });
  }

  /** The id of the key new entries are chained with. */
  get keyId(): string {
    return this.#committed.keyId;
  }

  async append(db: Connection, inputs: AuditInput[]): Promise<void> {
    const state = this.#pending ?? this.#committed;
    let head = state.head;
    for (let attempt = 0; ; attempt++) {
      const entries = chainEntries(state.key, head, inputs);
      const rows = entries.map((entry) => ({ ...entry, summary: JSON.stringify(entry.summary) }));
      try {
        await db.run(INSERT_ENTRIES, [JSON.stringify(rows)]);
        const last = entries.at(-1);
        this.#pending = { ...state, head: last ? { seq: last.seq, hash: last.hash } : head };
        return;
      } catch (error) {
        if (attempt > 0 || !String((error as Error).message).includes('UNIQUE')) throw error;
        await this.#checkKeyUnchanged(db, state.keyId);
        head = await readHead(db);
      }
    }
  }

  /**
   * Inside a write transaction: appends `input` (an `audit.key.rotated` entry naming the new key's id) under the
   * current key, records that entries after it are chained with `newKey`, and chains the transaction's later
   * entries with it. Answers the rotation entry.
   */
  async rotate(db: Connection, newKey: Buffer, input: AuditInput): Promise<AuditEntry> {
    const state = this.#pending ?? this.#committed;
    await this.#checkKeyUnchanged(db, state.keyId);
    const [entry] = chainEntries(state.key, await readHead(db), [input]);
    if (!entry) throw new Error('no rotation entry');
    await db.run(INSERT_ENTRIES, [JSON.stringify([{ ...entry, summary: JSON.stringify(entry.summary) }])]);
    const keyId = auditKeyId(newKey);
    await db.run('INSERT INTO audit_keys (from_seq, key_id, recorded_at) VALUES (?, ?, ?)', [entry.seq + 1, keyId, input.at]);
    this.#pending = { head: { seq: entry.seq, hash: entry.hash }, key: newKey, keyId };
    return entry;
  }

  async #checkKeyUnchanged(db: Connection, keyId: string): Promise<void> {
    const current = (await readAuditKeys(db)).at(-1);
    if (current?.keyId !== keyId) throw new AuditKeyChanged(keyId, current?.keyId);
  }

  committed(): void {
    if (this.#pending) this.#committed = this.#pending;
    this.#pending = undefined;
  }

  rolledBack(): void {
    this.#pending = undefined;
  }
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

export async function listAudit(db: Connection, filter: AuditFilter, limit: number): Promise<AuditEntry[]> {
  const conditions: string[] = [];
  const params: unknown[] = [];
  if (filter.messageId !== undefined) {
    conditions.push('message_id = ?');
    params.push(filter.messageId);
  }
  if (filter.since !== undefined) {
    conditions.push('at >= ?');
    params.push(filter.since);
  }
  if (filter.until !== undefined) {
    conditions.push('at < ?');
    params.push(filter.until);
  }
  if (filter.afterSeq !== undefined) {
    conditions.push('seq > ?');
    params.push(filter.afterSeq);
  }
  const where = conditions.length > 0 ? conditions.join(' AND ') : '1 = 1';
  const rows = await db.all<AuditRow>(`SELECT * FROM audit_log WHERE ${where} ORDER BY seq LIMIT ?`, [...params, limit]);
  return rows.map(toEntry);
}
