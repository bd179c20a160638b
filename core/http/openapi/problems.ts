import { type Header, type JsonSchema, type Parameter, type Reference, type Response, ref } from './types.ts';

/** RFC 9457 problem details, as `problemResponse` in core/http/problem.ts writes them. */
export const problemSchema: JsonSchema = {
  type: 'object',
  description: 'RFC 9457 problem details (application/problem+json). Never echoes secrets or the payload sent.',
  required: ['type', 'title', 'status'],
  properties: {
    type: {
      type: 'string',
      format: 'uri',
      description: 'urn:lienthong:problem:<kind>, a stable name of the kind of problem (about:blank when it has none).',
      examples: ['urn:lienthong:problem:validation', 'urn:lienthong:problem:idempotency-conflict'],
    },
    title: { type: 'string', description: 'A short, human-readable summary of the kind of problem.' },
    status: { type: 'integer', minimum: 400, maximum: 599, description: 'The HTTP status code.' },
    detail: { type: 'string', description: 'What went wrong with this request.' },
    instance: {
      type: 'string',
      format: 'uri',
      description: 'urn:lienthong:request:<request id>: quote it to an operator, who finds the request in the log.',
    },
    errors: {
      type: 'array',
      description: 'For invalid input: one entry per problem.',
      items: {
        type: 'object',
        required: ['path', 'message'],
        properties: {
          path: { type: 'string', description: 'Dotted path of the field, e.g. `to` or `dossier.applicant.phone`, or a header name.' },
          message: { type: 'string' },
        },
      },
    },
  },
};

/** A problem answer: `application/problem+json` with the shared `Problem` schema. */
export function problem(description: string, headers?: Record<string, Header | Reference>): Response {
  return { description, ...(headers ? { headers } : {}), content: { 'application/problem+json': { schema: ref('schemas', 'Problem') } } };
}

export const headers = {
  Location: { description: 'Where the message can be followed: /v1/messages/{id}.', schema: { type: 'string' } },
  IdempotentReplayed: {
    description: '`true` when this is the first answer to an earlier request with the same Idempotency-Key.',
    schema: { type: 'string', enum: ['true'] },
  },
  RetryAfter: { description: 'Seconds to wait before trying again.', schema: { type: 'string', pattern: '^\\d+$' } },
  WwwAuthenticate: { description: '`Bearer`.', schema: { type: 'string' } },
} satisfies Record<string, Header>;

export const parameters = {
  IdempotencyKey: {
    name: 'Idempotency-Key',
    in: 'header',
    required: false,
    description:
      'Makes a POST safe to repeat: the same key with the same body answers as the first time (the same message id, ' +
      '`Idempotent-Replayed: true`); the same key with another body is 422. Keys are per API key.',
    schema: { type: 'string', pattern: '^[\\x21-\\x7e]{1,255}$', description: '1-255 printable ASCII characters, no spaces.' },
  },
} satisfies Record<string, Parameter>;

/** The problems every authenticated endpoint may answer, shared by reference. */
export const responses = {
  BadRequest: problem('Malformed JSON, invalid fields (`errors` names each one), an unknown agency or a malformed Idempotency-Key.'),
  Unauthorized: problem('No API key, or an unknown or revoked one.', { 'WWW-Authenticate': ref('headers', 'WwwAuthenticate') }),
  Forbidden: problem('The endpoint needs an operator key, and this is a client key.'),
  NotFound: problem('No such resource, or one of an agency the API key does not cover (answered alike).'),
  PayloadTooLarge: problem("The body is over the gateway's size limit (limits.bodyBytes); nothing was read or stored."),
  TooManyRequests: problem('The API key is over its rate limit (limits.requestsPerSecondPerKey); wait Retry-After seconds.', { 'Retry-After': ref('headers', 'RetryAfter') }),
  InternalError: problem('The gateway could not complete the request; the `instance` member finds it in the log.'),
  StoreUnavailable: problem(
    "The gateway's store cannot write now (its disk is full, another process holds its write lock …): nothing was stored; retry after Retry-After seconds.",
    { 'Retry-After': ref('headers', 'RetryAfter') },
  ),
} satisfies Record<string, Response>;

export type SharedResponse = keyof typeof responses;
