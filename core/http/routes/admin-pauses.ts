import { Hono } from 'hono';
import type { Context } from 'hono';
import * as v from 'valibot';
import { maskText } from '../../audit/mask.ts';
import { INPUT_CHECKS } from '../../capabilities/messages.ts';
import type { GatewayContext } from '../../gateway-context.ts';
import type { InstanceRuntime } from '../../runtime/instances.ts';
import { pauseInstance, pauseRefusal, resumeInstance } from '../../runtime/pauses.ts';
import type { InstancePause } from '../../store/types.ts';
import type { AppEnv } from '../env.ts';
import { ProblemError, describeIssues, invalidInput, malformedJson } from '../problem.ts';

/** The longest reason kept: a line an operator reads in a list, not a report. */
export const PAUSE_REASON_MAX = 300;

/** `POST /admin/v1/instances/{id}/pause`: the body is optional; without a reason the pause says none. */
export const adminPauseBody = v.object({
  reason: v.optional(
    v.pipe(
      v.string(),
      v.description(`Why, e.g. "Viettel maintenance until 23:00"; shown to operators and to callers of the instance's sync operations. 1-${PAUSE_REASON_MAX} characters after trimming, one line.`),
      v.trim(),
      v.nonEmpty(),
      v.maxLength(PAUSE_REASON_MAX),
      v.regex(/^[^\x00-\x1f\x7f]*$/, 'must be one line, without control characters'),
    ),
  ),
});

/** An instance's pause as operators read it, its reason's personal data masked. */
export function pauseView(pause: InstancePause | null) {
  return pause && { at: new Date(pause.at).toISOString(), by: pause.by, reason: pause.reason === null ? null : maskText(pause.reason) };
}

const KNOWN_SHOWN = 20;

/**
 * `/admin/v1/instances/{id}/pause` and `/resume`. Both set a state, so both may be repeated: pausing a paused
 * instance answers the pause in place (200, nothing changes, its first reason kept), resuming one that is not
 * paused answers `paused: null`. An operator key limited to agencies may pause only an instance that serves
 * none but its agencies.
 */
export function pauseRoutes(gateway: GatewayContext) {
  const app = new Hono<AppEnv>();
  const actor = (c: Context<AppEnv>) => `key:${c.get('apiKey').id}`;

  app.post('/:id/pause', async (c) => {
    const instance = pausable(c, gateway);
    const { reason } = await pauseBody(c);
    const { pause } = await pauseInstance(gateway, instance, { actor: actor(c), reason });
    return c.json({ id: instance.id, paused: pauseView(pause) });
  });

  app.post('/:id/resume', async (c) => {
    const instance = pausable(c, gateway);
    // Its waiting messages are due: the worker is woken to claim them now rather than at its next poll.
    await resumeInstance(gateway, instance, actor(c));
    return c.json({ id: instance.id, paused: null });
  });

  return app;
}

/** The instance of the path, if the key may pause it: 404 naming the known ones, or 403 saying which agencies it lacks. */
function pausable(c: Context<AppEnv>, gateway: GatewayContext): InstanceRuntime {
  const id = c.req.param('id') ?? '';
  const instance = gateway.instances.get(id);
  if (!instance) {
    const ids = gateway.instances.all.map((each) => each.id);
    const known = ids.length <= KNOWN_SHOWN ? ids.join(', ') : `${ids.slice(0, KNOWN_SHOWN).join(', ')}, … ${ids.length} in all`;
    // An id is named back only when it has the form of one: the path is the caller's raw input.
    const named = /^[\w.-]{1,100}$/.test(id) ? `no instance '${id}'` : 'no such instance';
    throw new ProblemError({ status: 404, title: 'Not found', kind: 'not-found', detail: `${named} (instances: ${known}): check the id (GET /admin/v1/instances lists them)` });
  }
  const refusal = pauseRefusal(c.get('apiKey').agencies, instance);
  if (refusal) throw new ProblemError({ status: 403, title: 'Forbidden', kind: 'forbidden', detail: refusal });
  return instance;
}

async function pauseBody(c: Context<AppEnv>): Promise<v.InferOutput<typeof adminPauseBody>> {
  const text = await c.req.text();
  if (text.trim() === '') return {};
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw malformedJson();
  }
  const parsed = v.safeParse(adminPauseBody, json, INPUT_CHECKS);
  if (!parsed.success) throw invalidInput(describeIssues(parsed.issues));
  return parsed.output;
}
