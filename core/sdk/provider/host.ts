/**
 * The host (and port) of a URL, for error messages and logs: never the path or query, which may carry credentials
 * or personal data. A relative `url` is read against `base`; `unknown` names the other side when there is no host
 * to show (a URL that does not parse).
 */
export function hostOf(url: string | undefined, { base, unknown = 'provider' }: { base?: string | undefined; unknown?: string } = {}): string {
  try {
    return new URL(url ?? '', base).host || unknown;
  } catch {
    return unknown;
  }
}
