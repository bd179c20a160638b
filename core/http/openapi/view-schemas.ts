import { type JsonSchema, ref } from './types.ts';

/**
 * What the gateway answers outside the capabilities: the views of core/http/views.ts and the admin answers. These
 * are plain functions, not valibot schemas, so they are written here; view-schemas.test.ts holds them to the code.
 */

const string: JsonSchema = { type: 'string' };
const nullableString: JsonSchema = { type: ['string', 'null'] };
const count: JsonSchema = { type: 'integer', minimum: 0 };
const timestamp: JsonSchema = { type: 'string', format: 'date-time' };
const nullableTimestamp: JsonSchema = { type: ['string', 'null'], format: 'date-time' };

const object = (properties: Record<string, JsonSchema>, description?: string): JsonSchema => ({
  type: 'object',
  ...(description ? { description } : {}),
  required: Object.keys(properties),
  properties,
});

/** A message view: its `result` typed by its capability and operation. */
const message = (properties: Record<string, JsonSchema>, description?: string): JsonSchema => ({
  ...object(properties, description),
  allOf: [ref('schemas', 'MessageResult')],
});

const messageViewProperties: Record<string, JsonSchema> = {
  id: { type: 'string', description: 'The message id, e.g. msg_01JD3ZK6Q8WBN0V6T0Y5P4C2QX.' },
  capability: string,
  operation: string,
  agency: string,
  instance: { type: 'string', description: 'The provider instance that serves it.' },
  plugin: string,
  status: {
    type: 'string',
    enum: ['queued', 'processing', 'succeeded', 'dead'],
    description: 'dead: refused by the provider, out of attempts or too old (or cancelled); an operator may replay it.',
  },
  attempts: { ...count, description: "Attempts of the current round, the first included: what maxAttempts limits. An operator's replay starts a new round at 0." },
  totalAttempts: { ...count, description: 'Every attempt in every round: attempts plus those before each replay.' },
  maxAttempts: count,
  nextAttemptAt: { ...nullableTimestamp, description: 'When queued: the next try.' },
  waitingFor: {
    type: ['string', 'null'],
    enum: ['paused', 'circuit', null],
    description:
      "When queued and held without spending attempts (nextAttemptAt may be past): `paused` while an operator has paused its instance, `circuit` while its instance's circuit is open. Otherwise null.",
  },
  lastError: { ...nullableString, description: 'The error of the latest attempt; null after a success (the attempts keep the history).' },
  result: { description: "When succeeded: the operation's output, typed by capability and operation in `MessageResult`; otherwise null." },
  reference: { type: ['string', 'null'], description: "The caller's reference, e.g. the dossier code." },
  createdAt: timestamp,
  updatedAt: timestamp,
};

const operatorMessageProperties: Record<string, JsonSchema> = {
  ...messageViewProperties,
  lastError: { ...nullableString, description: 'The error of the latest attempt, personal data masked; null after a success.' },
  result: { description: 'As the caller sees it (`MessageResult`), personal data masked.' },
  dossierCode: { type: ['string', 'null'], description: 'The dossier it is about (GET /admin/v1/dossiers/{code}), by its capability: e.g. an SMS by its reference.' },
  orderingKey: { type: ['string', 'null'], description: 'Messages with one key are delivered strictly in order.' },
  replays: { ...count, description: 'How many times an operator replayed it: the number of its current round.' },
  cancelledAt: nullableTimestamp,
  payloadPurgedAt: nullableTimestamp,
  expiresAt: { ...timestamp, description: 'Past this the message goes dead rather than being tried again.' },
  payload: { description: 'The request as validated, personal data masked.' },
};

const attemptProperties: Record<string, JsonSchema> = {
  round: { ...count, description: 'How many replays preceded the attempt.' },
  number: { type: 'integer', minimum: 1 },
  startedAt: timestamp,
  finishedAt: timestamp,
  durationMs: count,
  outcome: { type: 'string', enum: ['succeeded', 'retry', 'dead', 'skipped'] },
  error: { ...nullableString, description: 'Personal data masked.' },
  providerCode: nullableString,
};

const hash: JsonSchema = { type: 'string', pattern: '^[0-9a-f]{64}$' };

const auditEntry: JsonSchema = {
  type: 'object',
  description: 'One entry of the hash-chained audit log: hash = HMAC-SHA256(audit key, prevHash + canonical JSON of the entry).',
  required: ['seq', 'at', 'time', 'actor', 'action', 'summary', 'prevHash', 'hash'],
  properties: {
    seq: { type: 'integer', minimum: 1 },
    at: { ...count, description: 'Epoch milliseconds, as hashed.' },
    time: { ...timestamp, description: '`at` in ISO 8601.' },
    actor: { type: 'string', description: '`key:<key id>`, `worker`, `provider:<instance>`, `cli` or `system`.' },
    action: { type: 'string', examples: ['message.accepted', 'attempt', 'message.replayed', 'message.cancelled'] },
    messageId: string,
    instance: string,
    summary: { type: 'object', description: 'Facts about the change, personal data masked.' },
    prevHash: hash,
    hash,
  },
};

const circuitStates = ['closed', 'open', 'half-open'];

/** An instance's last known health, as GET /admin/v1/instances and the overview give it. */
export const instanceHealth: JsonSchema = {
  description:
    "The plugin's own check of its provider, run in the background (at start, then at an interval, each with a timeout): the last finished check, when it ended and how old it is. Null when the plugin has no check.",
  anyOf: [
    { type: 'null' },
    {
      type: 'object',
      required: ['ok', 'checkedAt', 'ageMs'],
      properties: {
        ok: { type: ['boolean', 'null'], description: 'Null until the first check ends.' },
        detail: { type: 'object' },
        checkedAt: nullableTimestamp,
        ageMs: { type: ['integer', 'null'], minimum: 0, description: 'How long ago the last check ended.' },
      },
    },
  ],
};

export const viewSchemas: Record<string, JsonSchema> = {
  Accepted: object(
    { id: { type: 'string', description: 'The message id.' }, status: { type: 'string', const: 'queued' } },
    'The message is durably stored and queued.',
  ),
  MessageView: message(messageViewProperties, 'A message as its caller sees it.'),
  OperatorMessage: message(operatorMessageProperties, 'A message as an operator sees it.'),
  Attempt: object(attemptProperties),
  MessageDetail: message({
    ...operatorMessageProperties,
    attemptHistory: { type: 'array', items: ref('schemas', 'Attempt') },
    auditTrail: { type: 'array', items: ref('schemas', 'AuditEntry') },
  }),
  AuditEntry: auditEntry,
  AuditPage: object({
    entries: { type: 'array', items: ref('schemas', 'AuditEntry') },
    nextAfterSeq: { type: ['integer', 'null'], description: 'Pass as `afterSeq` for the next page; null on the last.' },
  }),
  AuditVerification: {
    oneOf: [
      object({ ok: { type: 'boolean', const: true }, checked: count, head: object({ seq: count, hash }) }, 'The chain is intact.'),
      object(
        { ok: { type: 'boolean', const: false }, checked: count, seq: { ...count, description: 'The first entry altered, removed, inserted or moved.' }, problem: string },
        'The chain is broken.',
      ),
    ],
  },
  MessagePage: object(
    {
      messages: { type: 'array', items: ref('schemas', 'OperatorMessage') },
      nextCursor: { type: ['string', 'null'], description: 'Pass as `cursor` for the next (older) page; null on the last.' },
    },
    'Newest first.',
  ),
  ReplayOutcome: {
    oneOf: [
      object(
        { dryRun: { type: 'boolean', const: true }, total: count, byInstance: { type: 'object', additionalProperties: count } },
        'Dry run: how many dead messages the filter matches, by instance. Nothing changes.',
      ),
      object({ dryRun: { type: 'boolean', const: false }, queued: count }, 'How many dead messages were queued again.'),
    ],
  },
  InstanceStatus: object({
    id: string,
    plugin: string,
    capability: string,
    agencies: { type: 'array', items: string, description: '`["*"]` when it serves every agency.' },
    circuit: { type: 'string', enum: circuitStates },
    paused: { anyOf: [ref('schemas', 'InstancePause'), { type: 'null' }], description: 'Its pause, or null when it is not paused.' },
    queue: object({ queued: count, processing: count, dead: count, succeeded: count }),
    oldestWaitingAgeMs: { type: ['integer', 'null'], minimum: 0, description: 'Age of the oldest queued or processing message.' },
    health: instanceHealth,
  }),
  InstanceList: object({ instances: { type: 'array', items: ref('schemas', 'InstanceStatus') } }),
};
