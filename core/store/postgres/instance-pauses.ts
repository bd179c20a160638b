import { instancePausedEntry, instanceResumedEntry } from '../../audit/entries.ts';
import type { AuditInput } from '../../audit/chain.ts';
import type { Actor, InstancePause, InstanceResume } from '../types.ts';
import type { Queries } from './connection.ts';

interface PauseRow {
  instance: string;
  paused_at: number;
  paused_by: string;
  reason: string | null;
}

const toPause = (row: PauseRow): InstancePause => ({ instance: row.instance, at: row.paused_at, by: row.paused_by, reason: row.reason });

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
 * Inside a write transaction: ends the pause of `instance`; its queued messages that were within their max age when
 * it was paused get the time they spent paused added to it (from the pause, or from their creation if later).
 */
export async function resumeInstance(db: Queries, audit: AuditInput[], instance: string, resume: { actor: Actor; at: number }): Promise<InstanceResume | undefined> {
  const row = await db.get<PauseRow>('DELETE FROM instance_pauses WHERE instance = ? RETURNING *', [instance]);
  if (!row) return undefined;
  const pause = toPause(row);
  const { changes } = await db.run(
    `UPDATE messages SET expires_at = expires_at + (?::bigint - GREATEST(?::bigint, created_at))
      WHERE instance = ? AND status = 'queued' AND expires_at > ?`,
    [resume.at, pause.at, instance, pause.at],
  );
  const resumed: InstanceResume = { pause, at: resume.at, by: resume.actor, extended: changes };
  audit.push(instanceResumedEntry(resumed));
  return resumed;
}

export async function pausedInstances(db: Queries): Promise<InstancePause[]> {
  return (await db.all<PauseRow>('SELECT * FROM instance_pauses ORDER BY paused_at, instance')).map(toPause);
}
