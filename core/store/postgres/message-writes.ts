/** What operators and retention change on messages, each inside a write transaction (group commit). */
import type { AuditInput } from '../../audit/chain.ts';
import type { Actor, MessageStatus, ReplayTarget } from '../types.ts';
import type { MessageRow } from '../sqlite/rows.ts';
import type { Queries } from './connection.ts';
import { replayableClause } from './replay-plan.ts';

/**
 * Puts messages leased by `leaseOwner` back in the queue: all of them (graceful shutdown), or those of `ids` (claimed
 * and never started). The attempt their claim counted is given back: it never reached an outcome.
 */
export async function releaseLeases(db: Queries, leaseOwner: string, now: number, ids?: readonly string[]): Promise<number> {
  const only = ids ? `AND id IN (${ids.map(() => '?').join(', ') || 'NULL'})` : '';
  const { changes } = await db.run(
    `UPDATE messages SET status = 'queued', attempts = GREATEST(attempts - 1, 0), next_attempt_at = ?,
            lease_owner = NULL, lease_until = NULL, updated_at = ?
      WHERE lease_owner = ? AND status = 'processing' ${only}`,
    [now, now, leaseOwner, ...(ids ?? [])],
  );
  return changes;
}

/**
 * Queues dead messages again with a fresh attempt budget, each audited. By id an operator may bring back a cancelled
 * message; a filter never does: cancelled is closed for good.
 */
export async function replay(
  db: Queries,
  audit: AuditInput[],
  target: ReplayTarget,
  now: number,
  maxAgeMs: (instance: string) => number,
  actor: Actor,
): Promise<string[]> {
  const { where, params } = 'ids' in target ? { where: 'id = ANY(?::text[])', params: [target.ids] } : replayableClause(target.filter);
  // A long replay by filter goes a batch at a time (the console's), each after the last message of the one before.
  const batch = 'batch' in target ? target.batch : undefined;
  const page = batch ? { sql: 'AND seq > ? ORDER BY seq LIMIT ?', params: [batch.afterSequence, batch.limit] } : { sql: 'ORDER BY seq', params: [] };
  const dead = await db.all<{ id: string; instance: string; replays: number; attempts: number }>(
    `SELECT id, instance, replays, attempts FROM messages WHERE status = 'dead' AND ${where} ${page.sql} FOR UPDATE`,
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
}

/** Closes a queued or dead message for good: dead, cancelled, no longer holding its ordering key. */
export async function cancel(db: Queries, audit: AuditInput[], id: string, now: number, reason: string, actor: Actor): Promise<MessageRow | undefined> {
  const before = await db.get<{ status: MessageStatus }>('SELECT status FROM messages WHERE id = ? FOR UPDATE', [id]);
  const row = await db.get<MessageRow>(
    `UPDATE messages SET status = 'dead', cancelled_at = ?, last_error = ?, next_attempt_at = NULL, updated_at = ?
      WHERE id = ? AND status IN ('queued', 'dead') AND cancelled_at IS NULL
    RETURNING *`,
    [now, reason, now, id],
  );
  if (!row) return undefined;
  audit.push({ at: now, actor, action: 'message.cancelled', messageId: id, instance: row.instance, summary: { from: before?.status, to: 'dead', reason } });
  return row;
}

/** Retention: the payloads of messages that succeeded before `succeededBefore` are removed; the purge is audited. */
export async function purgePayloads(db: Queries, audit: AuditInput[], succeededBefore: number, now: number, actor: Actor): Promise<number> {
  const { changes } = await db.run(
    `UPDATE messages SET payload = 'null', payload_purged_at = ?
      WHERE status = 'succeeded' AND updated_at < ? AND payload_purged_at IS NULL`,
    [now, succeededBefore],
  );
  if (changes > 0) audit.push({ at: now, actor, action: 'payloads.purged', summary: { messages: changes, succeededBefore } });
  return changes;
}
