/** Errors a plugin throws, and the one error the API edge turns into a 400. */

export interface DeliveryErrorOptions {
  /** The provider's own result code, kept in the attempt record. */
  code?: string;
  cause?: unknown;
}

export interface RetryableErrorOptions extends DeliveryErrorOptions {
  /** The provider asked us to wait at least this long before the next attempt. */
  retryAfterMs?: number;
  /**
   * Whether the provider is at fault (default true: transport, timeout, 5xx, throttling). False for an answer the
   * provider gives while working as it should, that a later try may change (a portal that does not know a
   * dossier yet, its add still on the way): the message is retried, but the instance's circuit breaker does not
   * count it, so it cannot cut the instance off for every agency.
   */
  providerFault?: boolean;
}

/** A failure that a later attempt may not meet: transport, timeout, 5xx, throttling. */
export class RetryableError extends Error {
  override name = 'RetryableError';
  readonly code: string | undefined;
  /** The provider asked us to wait at least this long before the next attempt. */
  readonly retryAfterMs: number | undefined;
  /** False when the provider answered as it should and the circuit breaker must not count the failure. */
  readonly providerFault: boolean;

  constructor(message: string, options: RetryableErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.code = options.code;
    this.retryAfterMs = options.retryAfterMs;
    this.providerFault = options.providerFault ?? true;
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
