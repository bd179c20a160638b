/**
 * NGSP's bearer token, per instance: kept until it expires less a margin, and fetched by one request however many
 * look-ups need it at once (single flight). The clock is injected so that expiry is tested without waiting.
 */

export interface IssuedToken {
  accessToken: string;
  /** The token endpoint's `expires_in`, in milliseconds; undefined when it gave none. */
  expiresInMs: number | undefined;
}

export class TokenCache {
  #token: { accessToken: string; renewAt: number } | undefined;
  #inFlight: Promise<string> | undefined;

  constructor(
    private readonly marginMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** The cached token while it is good, otherwise the one `fetchToken` brings (shared by concurrent callers). */
  get(fetchToken: () => Promise<IssuedToken>): Promise<string> {
    const cached = this.#token;
    if (cached && this.now() < cached.renewAt) return Promise.resolve(cached.accessToken);
    this.#inFlight ??= fetchToken()
      .then((issued) => {
        this.#token = this.#keep(issued);
        return issued.accessToken;
      })
      .finally(() => {
        this.#inFlight = undefined;
      });
    return this.#inFlight;
  }

  /** Forgets `accessToken` (the registry refused it), unless a newer one has replaced it already. */
  invalidate(accessToken: string): void {
    if (this.#token?.accessToken === accessToken) this.#token = undefined;
  }

  #keep(issued: IssuedToken): { accessToken: string; renewAt: number } | undefined {
    // A token without a lifetime is used once; a lifetime shorter than the margin is used for its first half.
    if (issued.expiresInMs === undefined || issued.expiresInMs <= 0) return undefined;
    const usable = issued.expiresInMs > this.marginMs ? issued.expiresInMs - this.marginMs : issued.expiresInMs / 2;
    return { accessToken: issued.accessToken, renewAt: this.now() + usable };
  }
}
