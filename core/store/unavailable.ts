/** Why a store cannot write now. Each is a condition outside the gateway that ends by itself or by an operator's hand. */
export type UnavailableReason = 'disk-full' | 'busy' | 'read-only' | 'io-error' | 'cannot-open' | 'unreachable';

/** What a caller of the API or a load balancer may be told: no paths, no host names. */
const PUBLIC_REASON: Record<UnavailableReason, string> = {
  'disk-full': 'its disk is full',
  busy: 'another process holds its write lock',
  'read-only': 'it is read-only',
  'io-error': 'its disk reports an I/O error',
  'cannot-open': 'its files cannot be opened',
  unreachable: 'its database cannot be reached',
};

/** A lock held by a stalled process may be freed in seconds; the other conditions wait for an operator. */
const RETRY_AFTER_SECONDS: Record<UnavailableReason, number> = {
  'disk-full': 30,
  busy: 5,
  'read-only': 30,
  'io-error': 30,
  'cannot-open': 30,
  // A restarted server or a dropped connection is usually back within seconds.
  unreachable: 5,
};

/**
 * The store cannot write now (disk full, its write lock held by a stalled process, read-only, I/O error): not a
 * fault of the request nor of the gateway, so callers are answered 503 with Retry-After and nothing is written.
 * `message` is the operator's line: what happened, where, and what to do.
 */
export class StoreUnavailableError extends Error {
  override name = 'StoreUnavailableError';
  readonly retryAfterSeconds: number;
  /** The underlying error's code (`SQLITE_FULL`, `ENOSPC` …), as code that looks for it expects. */
  readonly code: string | undefined;

  constructor(
    readonly reason: UnavailableReason,
    message: string,
    options: { cause?: unknown } = {},
  ) {
    super(message, options);
    this.retryAfterSeconds = RETRY_AFTER_SECONDS[reason];
    const cause = options.cause as { code?: unknown } | undefined;
    this.code = typeof cause?.code === 'string' ? cause.code : undefined;
  }

  /** Why, without paths: "its disk is full". */
  get publicReason(): string {
    return PUBLIC_REASON[this.reason];
  }

  /** One line for whoever is refused: why, without paths, and when to try again. */
  get publicDetail(): string {
    return `the gateway's store cannot write (${this.publicReason}); nothing was stored: retry after ${this.retryAfterSeconds} s`;
  }
}

/** The StoreUnavailableError in `error` or its causes (a plugin may wrap what the store threw), if any. */
export function findStoreUnavailable(error: unknown): StoreUnavailableError | undefined {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth++) {
    if (current instanceof StoreUnavailableError) return current;
  }
  return undefined;
}
