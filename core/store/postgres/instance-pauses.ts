import { instancePausedEntry } from '../../audit/entries.ts';
import type { AuditInput } from '../../audit/chain.ts';
import { type PauseRow, toPause } from '../pause-rows.ts';
import type { Actor, InstancePause } from '../types.ts';
import type { Queries } from './connection.ts';

/** Inside a write transaction: pauses `instance` unless it is paused already, and answers the pause in place. */
export async function pauseInstance(
  db: Queries,
  audit: AuditInput[],
  instance: string,
  pause: { actor: Actor; reason?: string | undefined; at: number },
): Promise<{ pause: InstancePause; created: boolean }> {
  const created = await db.get<PauseRow>(
    `INSERT INTO instance_pauses (instance, paused_at, paused_by, reason) VALUES (?, ?, ?, ?)
     ON CONFLICT (instance) DO NOTHING RETURNING *`,
    [instance, pause.at, pause.actor, pause.reason ?? null],
  );
  if (created) {
    const record = toPause(created);
    audit.push(instancePausedEntry(record));
    return { pause: record, created: true };
  }
  const existing = await db.get<PauseRow>('SELECT * FROM instance_pauses WHERE instance = ?', [instance]);
  if (!existing) throw new Error(`instance ${instance}: its pause vanished inside the transaction`);
  return { pause: toPause(existing), created: false };
}

/**
 * Inside a write transaction: one batch of a resume (core/store/resume-in-batches.ts). Of the instance's queued
 * messages after sequence `after`, up to `limit` that were within their max age when it was paused get the time they
 * spent paused added to it (from the pause, or from their creation if later), so that a maintenance longer than the
 * max age does not kill them the moment delivery resumes. Messages accepted after `resumeAt` are left as they are.
 */
export async function extendPausedBatch(
  db: Queries,
  pause: InstancePause,
  resumeAt: number,
  after: number,
  limit: number,
): Promise<{ extended: number; last: number | undefined }> {
  const rows = await db.all<{ seq: number }>(
    `UPDATE messages SET expires_at = expires_at + (?::bigint - GREATEST(?::bigint, created_at))
      WHERE seq IN (
        SELECT seq FROM messages
         WHERE seq > ? AND instance = ? AND status = 'queued' AND expires_at > ? AND created_at < ?
         ORDER BY seq LIMIT ?)
      RETURNING seq`,
    [resumeAt, pause.at, after, pause.instance, pause.at, resumeAt, limit],
  );
  return { extended: rows.length, last: rows.reduce<number | undefined>((last, row) => (last === undefined || row.seq > last ? row.seq : last), undefined) };
}
