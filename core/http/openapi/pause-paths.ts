import type * as v from 'valibot';
import { requestSchema } from './json-schema.ts';
import { problem } from './problems.ts';
import { type JsonSchema, type Operation, type Paths, ref } from './types.ts';

/**
 * Pausing and resuming a provider instance (`/admin/v1/instances/{id}/pause`, `/resume`), and the schemas of a pause:
 * core/http/routes/admin-pauses.ts.
 */

/** An instance's pause as operators read it; `InstanceStatus.paused` and the answers below refer to it. */
export const pauseSchemas: Record<string, JsonSchema> = {
  InstancePause: {
    type: 'object',
    description: 'An operator paused the instance: no attempt starts, its messages wait (waitingFor `paused`), its sync operations answer 503.',
    required: ['at', 'by', 'reason'],
    properties: {
      at: { type: 'string', format: 'date-time', description: 'Since when.' },
      by: { type: 'string', description: 'Who paused it: `key:<key id>` or `cli`.' },
      reason: { type: ['string', 'null'], description: 'Why, as the operator wrote it (personal data masked); null when none was given.' },
    },
  },
  InstancePauseState: {
    type: 'object',
    required: ['id', 'paused'],
    properties: {
      id: { type: 'string', description: 'The instance.' },
      paused: { anyOf: [ref('schemas', 'InstancePause'), { type: 'null' }], description: 'Its pause, or null when it is not paused.' },
    },
  },
};

const idParameter = { name: 'id', in: 'path' as const, required: true, description: 'The instance id, as GET /admin/v1/instances lists it.', schema: { type: 'string' as const } };

const state = (description: string) => ({ description, content: { 'application/json': { schema: ref('schemas', 'InstancePauseState') } } });

const scoping =
  'An operator key limited to agencies may act only on an instance that serves none but its agencies (403 otherwise). ' +
  'Audited with the key id.';

const operation = (op: Omit<Operation, 'tags' | 'parameters'>): Operation => ({ ...op, tags: ['admin'], parameters: [idParameter] });

export function pausePaths(body: v.GenericSchema | undefined): Paths {
  const bodySchema = body ? requestSchema(body, 'POST /admin/v1/instances/{id}/pause') : { type: 'object' as const };
  return {
    '/admin/v1/instances/{id}/pause': {
      post: operation({
        operationId: 'adminPauseInstance',
        summary: 'Pause an instance: no attempt starts until it is resumed (a provider announced maintenance)',
        description:
          'Its queued messages wait without spending attempts; time spent paused does not count towards their max age. ' +
          'Its sync operations answer 503 (`urn:lienthong:problem:instance-paused`, with Retry-After). The pause is kept ' +
          'in the store: it survives a restart and every gateway process on the store stops within its poll interval. ' +
          `Pausing a paused instance changes nothing and answers its pause (the first reason is kept). ${scoping}`,
        requestBody: { required: false, content: { 'application/json': { schema: bodySchema } } },
        responses: {
          '200': state('The instance is paused: its pause, a new one or the one in place.'),
          '400': ref('responses', 'BadRequest'),
          '403': problem('A client key, or an operator key that does not cover every agency the instance serves.'),
          '404': problem('No such instance: the answer names the known ones.'),
        },
      }),
    },
    '/admin/v1/instances/{id}/resume': {
      post: operation({
        operationId: 'adminResumeInstance',
        summary: 'Resume a paused instance: its waiting messages are delivered at once',
        description: `Resuming an instance that is not paused changes nothing. ${scoping}`,
        responses: {
          '200': state('The instance is not paused (any more).'),
          '403': problem('A client key, or an operator key that does not cover every agency the instance serves.'),
          '404': problem('No such instance: the answer names the known ones.'),
        },
      }),
    },
  };
}
