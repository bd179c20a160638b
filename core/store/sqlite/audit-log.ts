import { type AuditEntry, type AuditInput, GENESIS, chainEntries } from '../../audit/chain.ts';
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

const INSERT_ENTRIES = `
  INSERT INTO audit_log (seq, at, actor, action, message_id, instance, summary, prev_hash, hash)
  SELECT value->>'seq', value->>'at', value->>'actor', value->>'action', value->>'messageId', value->>'instance',
         value->>'summary', value->>'prevHash', value->>'hash'
    FROM jsonb_each(?)`;

async function readHead(db: Connection): Promise<Head> {
  const row = await db.get<{ seq: number; hash: string }>('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1');
  return row ?? { seq: 0, hash: GENESIS };
}

/**
 * Appends each batch's entries to the chain, inside the batch's transaction. The head is kept in memory; if
 * another process appended meanwhile, the first new sequence number collides with its entry, and the head is
 * read again under the transaction's write lock, so the chain never forks.
 */
export class SqliteAuditLog implements AuditWriter {
  #head: Head;
  #pending: Head | undefined;

  private constructor(
    private readonly key: Buffer,
    head: Head,
  ) {
    this.#head = head;
  }

  static async open(db: Connection, key: Buffer): Promise<SqliteAuditLog> {
    return new SqliteAuditLog(key, await readHead(db));
  }

  async append(db: Connection, inputs: AuditInput[]): Promise<void> {
    let head = this.#head;
    for (let attempt = 0; ; attempt++) {
      const entries = chainEntries(this.key, head, inputs);
      const rows = entries.map((entry) => ({ ...entry, summary: JSON.stringify(entry.summary) }));
      try {
        await db.run(INSERT_ENTRIES, [JSON.stringify(rows)]);
        const last = entries.at(-1);
        this.#pending = last ? { seq: last.seq, hash: last.hash } : head;
        return;
      } catch (error) {
        if (attempt > 0 || !String((error as Error).message).includes('UNIQUE')) throw error;
        head = await readHead(db);
      }
    }
  }

  committed(): void {
    if (this.#pending) this.#head = this.#pending;
    this.#pending = undefined;
  }

  rolledBack(): void {
    this.#pending = undefined;
  }
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
  return rows.map((row) => ({
    seq: row.seq,
    at: row.at,
    actor: row.actor,
    action: row.action,
    messageId: row.message_id ?? undefined,
    instance: row.instance ?? undefined,
    summary: JSON.parse(row.summary) as Record<string, unknown>,
    prevHash: row.prev_hash,
    hash: row.hash,
  }));
}
