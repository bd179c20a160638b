import { maskText } from '../audit/mask.ts';
import { resumeCommand } from '../runtime/pauses.ts';
import type { InstancePause } from '../store/types.ts';
import { ProblemError } from './problem.ts';

/** How long a caller is asked to wait: a maintenance takes minutes to hours, and its end is not known in advance. */
export const PAUSED_RETRY_AFTER_S = 60;

/** The 503 a sync call to a paused instance answers: which instance, since when, why, and how it is resumed. */
export function pausedProblem(pause: InstancePause): ProblemError {
  const reason = pause.reason === null ? '' : ` (${maskText(pause.reason)})`;
  return new ProblemError({
    status: 503,
    title: 'Instance paused',
    kind: 'instance-paused',
    detail: `instance ${pause.instance} has been paused by an operator since ${new Date(pause.at).toISOString()}${reason}: try again later; an operator resumes it with \`${resumeCommand(pause.instance)}\``,
    headers: { 'retry-after': String(PAUSED_RETRY_AFTER_S) },
  });
}
