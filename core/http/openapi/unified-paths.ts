import { type OperationSpec, capabilities } from '../../capabilities/index.ts';
import { webhookDeliverInput } from '../../capabilities/webhook.ts';
import { requestSchema, responseSchema } from './json-schema.ts';
import { problem } from './problems.ts';
import { type JsonSchema, type Operation, type PathItem, type Paths, type Responses, type Tag, ref } from './types.ts';

const pascal = (name: string) => name.charAt(0).toUpperCase() + name.slice(1);

/** `SmsSend` for sms/send: the stem of its `…Input` and `…Output` components. */
export const schemaStem = (capability: string, operation: string) => `${pascal(capability)}${pascal(operation)}`;

export interface UnifiedApi {
  paths: Paths;
  /** Each operation's `…Input` and `…Output` schema. */
  schemas: Record<string, JsonSchema>;
  /** One tag per capability. */
  tags: Tag[];
}

/** `POST /v1/{capability}/{operation}` for every operation callers may call, from the capability specs. */
export function operationPaths(): UnifiedApi {
  const api: UnifiedApi = { paths: {}, schemas: {}, tags: [] };
  for (const [capability, spec] of Object.entries(capabilities)) {
    const operations: Record<string, OperationSpec> = spec.operations;
    const callable = Object.entries(operations).filter(([, operation]) => !operation.internal);
    if (callable.length === 0) continue;
    api.tags.push({ name: capability, description: spec.summary });
    for (const [name, operation] of callable) {
      const schemaName = schemaStem(capability, name);
      api.schemas[`${schemaName}Input`] = requestSchema(operation.input, `${capability}/${name}`);
      // A file's bytes are the answer itself: its output schema (bytes, content type) is said by the headers.
      if (!operation.binary) api.schemas[`${schemaName}Output`] = responseSchema(operation.output);
      api.paths[`/v1/${capability}/${name}`] = { post: operationObject(capability, name, operation, schemaName) };
    }
  }
  return api;
}

function operationObject(capability: string, name: string, operation: OperationSpec, schemaName: string): Operation {
  const ordered = operation.orderingKey ? ' Messages with the same ordering key (e.g. a dossier code) are delivered strictly in order.' : '';
  const description =
    operation.mode === 'async'
      ? 'Asynchronous: answers 202 once the message is durably stored, then delivers it with retries. Follow it at ' +
        `\`Location\`; once it has succeeded, its \`result\` has the shape of \`${schemaName}Output\`.${ordered}`
      : 'Synchronous: the provider is called at once and its answer returned.';
  return {
    operationId: `${capability}${pascal(name)}`,
    summary: operation.summary,
    description,
    tags: [capability],
    parameters: [ref('parameters', 'IdempotencyKey')],
    requestBody: { required: true, content: { 'application/json': { schema: ref('schemas', `${schemaName}Input`) } } },
    responses: { ...success(operation, schemaName), ...operationProblems(operation) },
  };
}

function success(operation: OperationSpec, schemaName: string): Responses {
  if (operation.mode === 'async') {
    return {
      '202': {
        description: 'Queued: stored durably before this answer.',
        headers: { Location: ref('headers', 'Location'), 'Idempotent-Replayed': ref('headers', 'IdempotentReplayed') },
        content: { 'application/json': { schema: ref('schemas', 'Accepted') } },
      },
    };
  }
  if (operation.binary) {
    return {
      '200': {
        description: "The file's bytes, in the document's own content type (e.g. application/pdf), checked against its SHA-256.",
        headers: {
          'X-Content-SHA256': { description: 'SHA-256 (hex) of the bytes.', schema: { type: 'string', pattern: '^[0-9a-f]{64}$' } },
          'Content-Disposition': { description: 'attachment; filename="…" when the provider names the file.', schema: { type: 'string' } },
        },
        content: { 'application/octet-stream': { schema: { type: 'string', contentMediaType: 'application/octet-stream' } } },
      },
    };
  }
  return {
    '200': {
      description: "The provider's answer.",
      headers: { 'Idempotent-Replayed': ref('headers', 'IdempotentReplayed') },
      content: { 'application/json': { schema: ref('schemas', `${schemaName}Output`) } },
    },
  };
}

/** What the route itself answers besides its result; the key check, rate and body limits are added by front-answers.ts. */
function operationProblems(operation: OperationSpec): Responses {
  const shared: Responses = {
    '400': ref('responses', 'BadRequest'),
    '403': problem('The API key does not cover the agency of the request.'),
    '404': problem('No provider instance serves this capability for the agency; for a sync call also: the provider does not know what was asked about (an unknown payment id, say).'),
  };
  if (operation.mode === 'async') return { ...shared, '422': problem('The Idempotency-Key was used with another request.') };
  const retryAfter = { 'Retry-After': ref('headers', 'RetryAfter') };
  return {
    ...shared,
    '409': problem('A request with this Idempotency-Key is still running.'),
    '422': problem('The provider refused the request (a retry cannot change it), or the Idempotency-Key was used with another request.'),
    '502': problem('The provider failed or answered with an error; a later retry may succeed.', retryAfter),
    '503': problem("An operator paused the provider instance (`instance-paused`, naming the pause), its circuit is open or it is at its rate limit, or the gateway's store cannot write now.", retryAfter),
    '504': problem('The provider did not answer in time.', retryAfter),
  };
}

/** `GET /v1/messages/{id}` and `POST /v1/callbacks/{instance}`. */
export const messagePaths: Paths = {
  '/v1/messages/{id}': {
    get: {
      operationId: 'getMessage',
      summary: 'A message and where its delivery stands',
      tags: ['messages'],
      parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
      responses: {
        '200': { description: 'The message.', content: { 'application/json': { schema: ref('schemas', 'MessageView') } } },
        '404': ref('responses', 'NotFound'),
      },
    },
  },
  '/v1/callbacks/{instance}': {
    post: {
      operationId: 'providerCallback',
      summary: "A provider's notification (e.g. a bank's payment notice)",
      description:
        "Authenticated by the provider's own signature, not by an API key. The body and the answer are in the " +
        "provider's format; a notification that arrives twice has the effect of one.",
      tags: ['callbacks'],
      security: [],
      parameters: [{ name: 'instance', in: 'path', required: true, description: 'The provider instance id.', schema: { type: 'string' } }],
      requestBody: { required: true, content: { '*/*': { schema: {} } } },
      responses: {
        '200': { description: 'The acknowledgement, in the form the provider expects.', content: { '*/*': { schema: {} } } },
        '404': problem('No instance of that id takes callbacks.'),
        '500': ref('responses', 'InternalError'),
        '503': ref('responses', 'StoreUnavailable'),
        default: { description: "The plugin's answer to a notification it refuses (e.g. a bad signature), in the provider's format." },
      },
    },
  },
};

/** The events the gateway posts to the one-stop software's webhook subscriptions. */
export function eventWebhooks(): Record<string, PathItem> {
  const header = (name: string, description: string) => ({ name, in: 'header' as const, required: true, description, schema: { type: 'string' as const } });
  return {
    event: {
      post: {
        operationId: 'gatewayEvent',
        summary: 'An event, to each subscription that wants it',
        description:
          'Signed with the Standard Webhooks scheme (https://www.standardwebhooks.com/) and delivered through the outbox: ' +
          'retried, dead-lettered and replayable. Events: payment.succeeded, payment.failed, message.dead and what plugins add.',
        tags: ['webhooks'],
        security: [],
        parameters: [
          header('webhook-id', 'Stable across retries: de-duplicate on it.'),
          header('webhook-timestamp', 'Seconds since the epoch.'),
          header('webhook-signature', 'v1,<base64 HMAC-SHA256> with the subscription secret.'),
        ],
        requestBody: { required: true, content: { 'application/json': { schema: responseSchema(webhookDeliverInput.entries.event) } } },
        responses: { '2XX': { description: 'Received; any other answer is retried.' } },
      },
    },
  };
}
