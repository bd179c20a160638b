/**
 * Resuming an instance after a long pause: its queued messages get the time they spent paused added to their max
 * age, a batch at a time, each batch in its own transaction, so that a backlog of a million messages does not hold
 * the store's writes for seconds (one UPDATE of a million messages took 3.75 s on SQLite here). The pause stays until
 * the last batch is written, so nothing of the instance is attempted meanwhile; the pause ends, with its audit entry,
 * in a transaction of its own. A resume interrupted (the process stopped) leaves the instance paused: resumed again,
 * the messages already extended are extended again, which keeps them longer, never shorter.
 */
import type { InstancePause, InstanceResume } from './types.ts';

export const RESUME_BATCH = 2_000;

export interface ResumeSteps {
  /** The instance's pause now, if it is paused. */
  pause(): Promise<InstancePause | undefined>;
  /** Extends up to `limit` messages after sequence `after`: how many, and the last sequence reached. */
  extend(pause: InstancePause, after: number, limit: number): Promise<{ extended: number; last: number | undefined }>;
  /** Ends `pause` (not a pause made since) and audits it; undefined when it had ended already. */
  end(pause: InstancePause, extended: number): Promise<InstanceResume | undefined>;
}

export async function resumeInBatches(steps: ResumeSteps, limit = RESUME_BATCH): Promise<InstanceResume | undefined> {
  const pause = await steps.pause();
  if (!pause) return undefined;
  let extended = 0;
  let after = 0;
  for (;;) {
    const batch = await steps.extend(pause, after, limit);
    extended += batch.extended;
    if (batch.last === undefined || batch.extended < limit) break;
    after = batch.last;
  }
  return steps.end(pause, extended);
}
