import type * as v from 'valibot';
import { queryParameters, requestSchema } from './json-schema.ts';
import { consoleDataPaths } from './console-data.ts';
import { problem } from './problems.ts';
import { type Operation, type Paths, ref } from './types.ts';

/** The valibot schemas of the admin routes that read input; each absent one is described as a bare object. */
export interface AdminSchemas {
  listQuery?: { readonly entries: v.ObjectEntries };
  replayBody?: v.GenericSchema;
  auditQuery?: { readonly entries: v.ObjectEntries };
}

const idParameter = { name: 'id', in: 'path' as const, required: true, schema: { type: 'string' as const } };

const json = (description: string, schema: string) => ({ description, content: { 'application/json': { schema: ref('schemas', schema) } } });

/** An operator endpoint: what the key check and the rate limit in front of it answer is added by front-answers.ts. */
const admin = (operation: Omit<Operation, 'tags'>): Operation => ({ ...operation, tags: ['admin'] });

/** The operators' API under `/admin/v1` (operator keys only). */
export function adminPaths(schemas: AdminSchemas): Paths {
  const listParameters = schemas.listQuery ? queryParameters(schemas.listQuery, 'GET /admin/v1/messages') : [];
  const auditParameters = schemas.auditQuery ? queryParameters(schemas.auditQuery, 'GET /admin/v1/audit') : [];
  const replaySchema = schemas.replayBody ? requestSchema(schemas.replayBody, 'POST /admin/v1/replay') : { type: 'object' as const };
  return {
    '/admin/v1/messages': {
      get: admin({
        operationId: 'adminListMessages',
        summary: 'Messages, newest first, by filter',
        description: "Paged: pass the answer's `nextCursor` as `cursor`. An operator key limited to agencies sees only theirs.",
        ...(listParameters.length > 0 ? { parameters: listParameters } : {}),
        responses: { '200': json('One page.', 'MessagePage'), '400': ref('responses', 'BadRequest') },
      }),
    },
    '/admin/v1/messages/{id}': {
      get: admin({
        operationId: 'adminGetMessage',
        summary: 'A message with its payload (personal data masked), every attempt and its audit trail',
        parameters: [idParameter],
        responses: { '200': json('The message.', 'MessageDetail'), '404': ref('responses', 'NotFound') },
      }),
    },
    '/admin/v1/messages/{id}/replay': {
      post: admin({
        operationId: 'adminReplayMessage',
        summary: 'Queue a dead message again with a fresh attempt budget',
        parameters: [idParameter],
        responses: {
          '200': json('Queued again.', 'Accepted'),
          '404': ref('responses', 'NotFound'),
          '409': problem('Only dead messages are replayed.'),
        },
      }),
    },
    '/admin/v1/messages/{id}/cancel': {
      post: admin({
        operationId: 'adminCancelMessage',
        summary: 'Close a queued or dead message for good',
        description: 'It goes dead, cancelled, and no longer holds back later messages with its ordering key.',
        parameters: [idParameter],
        responses: {
          '200': json('The cancelled message.', 'OperatorMessage'),
          '404': ref('responses', 'NotFound'),
          '409': problem('The message is not in a state that can be cancelled.'),
        },
      }),
    },
    '/admin/v1/replay': {
      post: admin({
        operationId: 'adminReplayByFilter',
        summary: 'Queue dead messages again by filter, or first count them with dryRun',
        requestBody: { required: true, content: { 'application/json': { schema: replaySchema } } },
        responses: { '200': json('What was, or would be, queued.', 'ReplayOutcome'), '400': ref('responses', 'BadRequest') },
      }),
    },
    '/admin/v1/audit': {
      get: admin({
        operationId: 'adminListAudit',
        summary: 'Audit entries, oldest first, by message or time',
        description: 'An operator key limited to agencies reads the trail of its own messages only (give messageId).',
        ...(auditParameters.length > 0 ? { parameters: auditParameters } : {}),
        responses: {
          '200': json('One page.', 'AuditPage'),
          '400': ref('responses', 'BadRequest'),
          '403': problem('A client key; or an operator key limited to agencies without messageId.'),
          '404': ref('responses', 'NotFound'),
        },
      }),
    },
    '/admin/v1/audit/verify': {
      post: admin({
        operationId: 'adminVerifyAudit',
        summary: 'Recompute the audit chain and name the first entry altered, removed, inserted or moved',
        description: 'Needs an operator key for every agency.',
        responses: { '200': json('The verdict.', 'AuditVerification'), '403': problem('A client key, or an operator key limited to agencies.') },
      }),
    },
    '/admin/v1/instances': {
      get: admin({
        operationId: 'adminListInstances',
        summary: 'Each provider instance: circuit, pause, queue depth, oldest waiting message, health',
        responses: { '200': json('The instances.', 'InstanceList') },
      }),
    },
    ...consoleDataPaths(admin),
  };
}
