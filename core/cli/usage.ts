/** A bad command line: printed with the verb's usage, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Parses an ISO 8601 time given on the command line into epoch milliseconds. */
export function parseTime(value: string | undefined, option: string): number | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new UsageError(`--${option} takes an ISO 8601 time, e.g. 2026-11-21T00:00:00+07:00`);
  return ms;
}

export function parsePort(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port takes a port number 0-65535, not "${value}"`);
  return port;
}
