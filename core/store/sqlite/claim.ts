import type { Connection } from './connection.ts';
import type { MessageRow } from './rows.ts';

export interface Claim {
  instance: string;
  limit: number;
  now: number;
  leaseOwner: string;
  leaseUntil: number;
}

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
 * Inside a write transaction: leases up to `limit` messages of one instance, in no particular order. Leases left
 * by a crashed worker go first (rare: an index probe that finds nothing), then due messages; one statement, each
 * side limited before the two are ranked, so that a long queue is never sorted whole.
 */
export async function claimDue(db: Connection, claim: Claim): Promise<MessageRow[]> {
  return db.all<MessageRow>(
    `${CLAIM} WHERE seq IN (
       SELECT seq FROM (
         SELECT * FROM (
           SELECT seq, 0 AS turn, lease_until AS rank FROM messages
            WHERE instance = ? AND status = 'processing' AND lease_until < ? ORDER BY lease_until LIMIT ?)
         UNION ALL
         SELECT * FROM (
           SELECT m.seq, 1 AS turn, m.next_attempt_at AS rank FROM messages m
            WHERE m.instance = ? AND m.status = 'queued' AND m.next_attempt_at <= ? AND ${ORDERING_FREE}
            ORDER BY m.next_attempt_at, m.seq LIMIT ?))
       ORDER BY turn, rank, seq LIMIT ?)
     RETURNING *`,
    [claim.leaseOwner, claim.leaseUntil, claim.now, claim.instance, claim.now, claim.limit, claim.instance, claim.now, claim.limit, claim.limit],
  );
}
