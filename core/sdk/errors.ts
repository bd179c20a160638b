/** Errors a plugin throws, and the one error the API edge turns into a 400. */

export interface DeliveryErrorOptions {
  /** The provider's own result code, kept in the attempt record. */
  code?: string;
  cause?: unknown;
}

/** A failure that a later attempt may not meet: transport, timeout, 5xx, throttling. */
export class RetryableError extends Error {
  override name = 'RetryableError';
  readonly code: string | undefined;
  /** The provider asked us to wait at least this long before the next attempt. */
  readonly retryAfterMs: number | undefined;

  constructor(message: string, options: DeliveryErrorOptions & { retryAfterMs?: number } = {}) {
    super(message, { cause: options.cause });
    this.code = options.code;
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** The provider refused for a reason a retry cannot change: the message goes to the dead letters at once. */
export class PermanentError extends Error {
  override name = 'PermanentError';
  readonly code: string | undefined;

  constructor(message: string, options: DeliveryErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.code = options.code;
  }
}

/**
 * What the caller asked about does not exist (an unknown payment id, say): a sync call answers 404, an async
 * message goes dead as for any permanent refusal.
 */
export class NotFoundError extends PermanentError {
  override name = 'NotFoundError';
}

export interface InputIssue {
  /** Dotted path of the field, e.g. `to` or `dossier.applicant.phone`. */
  path: string;
  message: string;
}

/** Input the gateway refuses before storing anything: answered as 400 with the path of each problem. */
export class InputError extends Error {
  override name = 'InputError';
  constructor(readonly issues: InputIssue[]) {
    super(issues.map((issue) => `${issue.path}: ${issue.message}`).join('; '));
  }
}

/** Coerces anything thrown into a message, once, so that non-Error throws still tell what happened. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'string') return error;
  try {
    return JSON.stringify(error) ?? String(error);
  } catch {
    return String(error);
  }
}
