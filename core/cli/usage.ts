/** A bad command line: printed with the usage, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export const USAGE = `lienthong — integration gateway for one-stop public-service software

usage:
  lienthong sandbox [--port N] [--db FILE]      gateway + every provider simulator, sandbox keys printed
  lienthong serve --config FILE [--port N] [--host H] [--db FILE]
  lienthong check-config --config FILE          validate a config file and exit
  lienthong simulate PLUGIN [--port N] [--instance-out FILE]
                                                one provider's simulator alone; FILE gets its config entry for serve
  lienthong keys create --role client|operator --agencies A,B|--all-agencies [--label TEXT] [--json] [--db FILE]
  lienthong keys revoke KEY_ID [--db FILE]
  lienthong keys list [--json] [--db FILE]
  lienthong messages list [--status S] [--capability C] [--instance I] [--agency A] [--since ISO] [--until ISO] [--q TEXT] [--limit N] [--json] [--db FILE]
  lienthong messages show ID [--json] [--db FILE]
  lienthong replay ID... [--dry-run] [--db FILE] put dead messages back in the queue
  lienthong replay --status dead [--capability C] [--instance I] [--agency A] [--since ISO] [--until ISO] [--q TEXT] [--dry-run] [--db FILE]
  lienthong audit verify [--export FILE] [--keys-file FILE] [--db FILE]   recompute the audit chain; exit 1 naming the first tampered entry
  lienthong audit rotate-key [--new-key-file FILE] [--db FILE]   chain the audit log with a new key from here on (or LIENTHONG_NEW_AUDIT_KEY)
  lienthong audit export [--since ISO] [--until ISO] [--db FILE]   audit entries as JSON lines
  lienthong new-plugin ID --capability sms|payment|ecard|portal   a working adapter folder, its tests, in app/plugins.ts

store: --db FILE, else LIENTHONG_DB, else ./data/lienthong.db (serve, keys, messages, replay, audit) or
  ./data/sandbox.db (sandbox). Only serve and sandbox create a store; the other verbs refuse one that does not
  exist. Each names its store on stderr ("store: PATH").

environment: PORT (8080), LIENTHONG_DB, LIENTHONG_AUDIT_KEY, LIENTHONG_AUDIT_KEYS (keys before rotations), LOG_LEVEL (info),
  LIENTHONG_SANDBOX_CLIENT_KEY, LIENTHONG_SANDBOX_OPERATOR_KEY, LIENTHONG_SANDBOX_PORT_BASE`;

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
