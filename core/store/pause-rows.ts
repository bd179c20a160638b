/**
 * The instance_pauses rows, read and ended the same way on both stores; what differs between them (pausing, a
 * resume's batch of messages) stays in each store's instance-pauses.ts.
 */
import { instanceResumedEntry } from '../audit/entries.ts';
import type { AuditInput } from '../audit/chain.ts';
import type { Actor, InstancePause, InstanceResume } from './types.ts';

/** What these statements need of a connection: SQLite's and PostgreSQL's both answer it. */
interface Rows {
  all<Row>(sql: string, params?: unknown[]): Promise<Row[]>;
  get<Row>(sql: string, params?: unknown[]): Promise<Row | undefined>;
}

export interface PauseRow {
  instance: string;
  paused_at: number;
  paused_by: string;
  reason: string | null;
}

export const toPause = (row: PauseRow): InstancePause => ({ instance: row.instance, at: row.paused_at, by: row.paused_by, reason: row.reason });

/** The pause of `instance`, if it is paused. */
export async function pauseOf(db: Rows, instance: string): Promise<InstancePause | undefined> {
  const row = await db.get<PauseRow>('SELECT * FROM instance_pauses WHERE instance = ?', [instance]);
  return row && toPause(row);
}

export async function pausedInstances(db: Rows): Promise<InstancePause[]> {
  return (await db.all<PauseRow>('SELECT * FROM instance_pauses ORDER BY paused_at, instance')).map(toPause);
}

/** Inside a write transaction: ends `pause` (not a pause made since) and audits the resume. */
export async function endPause(
  db: Rows,
  audit: AuditInput[],
  pause: InstancePause,
  resume: { actor: Actor; at: number },
  extended: number,
): Promise<InstanceResume | undefined> {
  const ended = await db.all<PauseRow>('DELETE FROM instance_pauses WHERE instance = ? AND paused_at = ? RETURNING *', [pause.instance, pause.at]);
  if (ended.length === 0) return undefined;
  const resumed: InstanceResume = { pause, at: resume.at, by: resume.actor, extended };
  audit.push(instanceResumedEntry(resumed));
  return resumed;
}
