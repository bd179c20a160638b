import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import * as v from 'valibot';
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
  new ProblemError({ status: 400, title, kind: 'validation', detail: `${errors.length} field(s) failed validation`, errors });

/**
 * valibot issues as `{ path, message }` without echoing what the caller sent: valibot's default messages end
 * in "but received <value>", or "Received <value>" for format checks (e-mail, URL), which could hand a secret or
 * personal data back.
 */
export function describeIssues(issues: readonly v.BaseIssue<unknown>[]): InputIssue[] {
  return issues.map((issue) => ({
    path: v.getDotPath(issue) ?? '',
    message:
      issue.kind === 'schema' && issue.received === 'undefined'
        ? 'is required'
        : issue.message.replace(/:? *(?:[Bb]ut r|R)eceived .*$/s, '').replace(/^Invalid (\w+): Expected (.*)$/s, 'expected $2'),
  }));
}
