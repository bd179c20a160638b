import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import * as v from 'valibot';
import { issueMessage } from '../capabilities/messages.ts';
import type { InputIssue } from '../sdk/errors.ts';
import type { StoreUnavailableError } from '../store/unavailable.ts';

export interface ProblemDetails {
  status: ContentfulStatusCode;
  title: string;
  detail?: string;
  /** A short name for the kind of problem; the `type` member is built from it. */
  kind?: string;
  errors?: InputIssue[];
  headers?: Record<string, string>;
}

/** One error type that knows how to become an RFC 9457 problem+json response. */
export class ProblemError extends Error {
  constructor(readonly problem: ProblemDetails) {
    super(problem.detail ?? problem.title);
  }
}

export function problemResponse(c: Context, problem: ProblemDetails): Response {
  const body = {
    type: problem.kind ? `urn:lienthong:problem:${problem.kind}` : 'about:blank',
    title: problem.title,
    status: problem.status,
    ...(problem.detail ? { detail: problem.detail } : {}),
    ...(problem.errors ? { errors: problem.errors } : {}),
    ...(c.get('requestId') ? { instance: `urn:lienthong:request:${c.get('requestId')}` } : {}),
  };
  return c.body(JSON.stringify(body), problem.status, { 'content-type': 'application/problem+json', ...problem.headers });
}

/** A store that cannot write: 503 with Retry-After, never a 500; the caller learns why without a path. */
export const storeUnavailable = (error: StoreUnavailableError): ProblemDetails => ({
  status: 503,
  title: 'Store unavailable',
  kind: 'store-unavailable',
  detail: error.publicDetail,
  headers: { 'retry-after': String(error.retryAfterSeconds) },
});

export const malformedJson = () =>
  new ProblemError({ status: 400, title: 'Malformed JSON', kind: 'malformed-json', detail: 'the request body is not valid JSON' });

export const invalidInput = (errors: InputIssue[], title = 'Invalid request') =>
  new ProblemError({ status: 400, title, kind: 'validation', detail: namingFields(errors), errors });

/** The problems in one line, each after the field it is about: `text: must not be blank; to: is required`. */
function namingFields(errors: InputIssue[], shown = 3): string {
  const sentences = errors.slice(0, shown).map(({ path, message }) => {
    if (path === '') return `the body ${message}`;
    return message.startsWith(`${path} `) ? message : `${path}: ${message}`;
  });
  const more = errors.length - sentences.length;
  return sentences.join('; ') + (more > 0 ? `; and ${more} more (see errors)` : '');
}

/**
 * valibot issues as `{ path, message }`. The messages are the rules' own or those of `issueMessage`, which never
 * quote the value; valibot's defaults (parsed without INPUT_CHECKS) would end in "but received <value>", handing a
 * secret or personal data back, so they are replaced the same way.
 */
export function describeIssues(issues: readonly v.BaseIssue<unknown>[]): InputIssue[] {
  return issues.map((issue) => ({
    path: v.getDotPath(issue) ?? '',
    message: (issue.kind === 'schema' && issue.received === 'undefined') || VALIBOT_DEFAULT.test(issue.message) ? issueMessage(issue) : issue.message,
  }));
}

/** How valibot words a problem when nobody gave it words: `Invalid length: Expected !0 but received 0`. */
const VALIBOT_DEFAULT = /^Invalid [\w ]+: (?:Expected [\s\S]* but r|R)eceived /;
