import type { Queries } from './connection.ts';
import type { MessageRow } from '../sqlite/rows.ts';

export interface Claim {
  instance: string;
  limit: number;
  now: number;
  leaseOwner: string;
  leaseUntil: number;
}

const CLAIM = `UPDATE messages SET status = 'processing', attempts = attempts + 1, total_attempts = total_attempts + 1,
                                  lease_owner = ?, lease_until = ?, updated_at = ?`;

/**
 * A message may run when no other message of its ordering key is being attempted, and none ahead of it (a lower
 * rank, or the same rank and earlier) still waits or lies dead uncancelled. Read in the claiming statement's
 * snapshot: a message another process is claiming at the same moment is still queued there, so it holds its key.
 */
const ORDERING_FREE = `(m.ordering_key IS NULL OR NOT EXISTS (
  SELECT 1 FROM messages p
  WHERE p.instance = m.instance AND p.ordering_key = m.ordering_key AND p.status <> 'succeeded'
    AND (p.status = 'processing' OR (p.ordering_rank, p.seq) < (m.ordering_rank, m.seq))
    AND (p.status IN ('queued', 'processing') OR (p.status = 'dead' AND p.cancelled_at IS NULL))))`;

/**
 * Leases up to `limit` messages of one instance in one statement: leases a stopped process left first, then due
 * messages in order. Rows another process is claiming are skipped (FOR UPDATE SKIP LOCKED), never waited for, so
 * processes claiming together each get their own messages and no message is leased twice.
 */
export async function claimDue(db: Queries, claim: Claim): Promise<MessageRow[]> {
  return db.all<MessageRow>(
    `WITH expired AS (
       SELECT seq, 0 AS turn, lease_until AS rank FROM messages
        WHERE instance = ? AND status = 'processing' AND lease_until < ?
        ORDER BY lease_until LIMIT ? FOR UPDATE SKIP LOCKED),
     due AS (
       SELECT m.seq, 1 AS turn, m.next_attempt_at AS rank FROM messages m
        WHERE m.instance = ? AND m.status = 'queued' AND m.next_attempt_at <= ? AND ${ORDERING_FREE}
        ORDER BY m.next_attempt_at, m.seq LIMIT ? FOR UPDATE OF m SKIP LOCKED),
     picked AS (
       SELECT seq FROM (SELECT * FROM expired UNION ALL SELECT * FROM due) candidates ORDER BY turn, rank, seq LIMIT ?)
     ${CLAIM} FROM picked WHERE messages.seq = picked.seq RETURNING messages.*`,
    [claim.instance, claim.now, claim.limit, claim.instance, claim.now, claim.limit, claim.limit, claim.leaseOwner, claim.leaseUntil, claim.now],
  );
}
