import { type JsonSchema, type Operation, type Paths, ref } from './types.ts';
import { instanceHealth } from './view-schemas.ts';

/**
 * The overview and the dossier timeline (GET /admin/v1/overview, GET /admin/v1/dossiers/{code}): their paths and
 * the schemas of what core/http/views.ts answers for them, held to the code by console-data.test.ts.
 */

const count: JsonSchema = { type: 'integer', minimum: 0 };
const nullableString: JsonSchema = { type: ['string', 'null'] };
const timestamp: JsonSchema = { type: 'string', format: 'date-time' };
const object = (properties: Record<string, JsonSchema>, description?: string): JsonSchema => ({
  type: 'object',
  ...(description ? { description } : {}),
  required: Object.keys(properties),
  properties,
});
const statuses = ['queued', 'processing', 'succeeded', 'dead'];

const entryCommon: Record<string, JsonSchema> = {
  at: { ...timestamp, description: 'When it began: the message or the record was created.' },
  id: { type: 'string', description: "The message id, or the record's key (a payment's id)." },
  status: { type: 'string', description: "A message's status, or a record's state (a payment: pending, paid, failed, expired)." },
  instance: { type: 'string' },
  agency: { ...nullableString, description: "Null for a record whose data names no agency." },
  updatedAt: timestamp,
};

const messageEntry = object(
  {
    ...entryCommon,
    kind: { type: 'string', enum: ['message', 'event'], description: 'event: delivered to the one-stop software (webhook).' },
    status: { type: 'string', enum: statuses },
    capability: { type: 'string' },
    operation: { type: 'string' },
    attempts: count,
    maxAttempts: count,
    lastError: { ...nullableString, description: 'Personal data masked.' },
    detail: {
      type: ['object', 'null'],
      description:
        "What it says about the dossier, personal data masked: a portal sync's dossier status, each progress entry, an SMS's number and text, an event's data. Null once retention removed the payload.",
    },
  },
  'A message about the dossier (link: GET /admin/v1/messages/{id}).',
);
const eventEntry: JsonSchema = {
  ...messageEntry,
  required: [...(messageEntry.required ?? []), 'eventType'],
  properties: { ...messageEntry.properties, kind: { type: 'string', const: 'event' }, eventType: { ...nullableString, examples: ['payment.succeeded', 'message.dead'] } },
};
const recordEntry = object(
  {
    ...entryCommon,
    kind: { type: 'string', enum: ['payment', 'record'], description: 'payment: a record of an instance that serves payments.' },
    capability: nullableString,
    operation: { type: 'null' },
    detail: { type: 'object', description: "The record's data, personal data masked." },
  },
  "A plugin instance's record about the dossier.",
);

export const consoleDataSchemas: Record<string, JsonSchema> = {
  DossierTimeline: object(
    {
      dossierCode: { type: 'string' },
      entries: {
        type: 'array',
        description: 'Oldest first.',
        items: { anyOf: [{ ...messageEntry, properties: { ...messageEntry.properties, kind: { type: 'string', const: 'message' } } }, eventEntry, recordEntry] },
      },
      truncated: { type: 'boolean', description: 'True when there were more than the 1000 entries shown (the oldest are).' },
    },
    'Everything the gateway did for one dossier, in time order.',
  ),
  Overview: object({
    at: timestamp,
    instances: {
      type: 'array',
      items: object({
        id: { type: 'string' },
        plugin: nullableString,
        capability: nullableString,
        configured: { type: 'boolean', description: 'False for an instance the store has messages of but the configuration no longer names.' },
        circuit: { type: ['string', 'null'], enum: ['closed', 'open', 'half-open', null] },
        paused: { anyOf: [ref('schemas', 'InstancePause'), { type: 'null' }], description: 'Its pause, or null when it is not paused (or not configured).' },
        health: instanceHealth,
        queue: object({ queued: count, processing: count, dead: count, succeeded: count }),
        oldestWaitingAgeMs: { type: ['integer', 'null'], minimum: 0, description: 'Age of the oldest queued or processing message.' },
        lastHour: object(
          { attempts: count, failures: count, failureRate: { type: ['number', 'null'], minimum: 0, maximum: 1 } },
          'Delivery attempts and sync calls over the last 60 minutes (by the minute); a failure is any outcome but success.',
        ),
      }),
    },
    counts: {
      type: 'array',
      description: 'Messages per status, capability and agency (non-zero only).',
      items: object({ status: { type: 'string', enum: statuses }, capability: { type: 'string' }, agency: { type: 'string' }, count: count }),
    },
  }),
};

export function consoleDataPaths(admin: (operation: Omit<Operation, 'tags'>) => Operation): Paths {
  const json = (description: string, schema: string) => ({ description, content: { 'application/json': { schema: ref('schemas', schema) } } });
  return {
    '/admin/v1/overview': {
      get: admin({
        operationId: 'adminOverview',
        summary: 'Per instance its circuit, queue, oldest waiting message and last hour; counts per status, capability and agency',
        description: 'Read from counters, never by counting messages. An operator key limited to agencies sees their counts and the instances that serve them.',
        responses: { '200': json('The overview.', 'Overview') },
      }),
    },
    '/admin/v1/dossiers/{code}': {
      get: admin({
        operationId: 'adminDossierTimeline',
        summary: 'Everything the gateway did for one dossier, in time order: portal sync and progress, SMS, payments and their events',
        description: 'The code matches exactly. An operator key limited to agencies sees only their entries.',
        parameters: [{ name: 'code', in: 'path', required: true, schema: { type: 'string', minLength: 1, maxLength: 100 } }],
        responses: { '200': json('The timeline.', 'DossierTimeline'), '400': ref('responses', 'BadRequest'), '404': ref('responses', 'NotFound') },
      }),
    },
  };
}
