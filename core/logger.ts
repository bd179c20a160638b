import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import { REDACTED, isSecretKey, maskJsonLine, maskNamedField } from './audit/mask.ts';
import { type LogFormat, logFormat, prettyDestination } from './log-format.ts';

/**
 * Secrets by path, for the places they are known to sit. No leading wildcards: they cost pino about 12 µs a line;
 * `maskFields` below removes a secret field at any depth by its name instead.
 */
const SECRET_PATHS = [
  'authorization', 'cookie', 'password', 'Password', 'passwd', 'secret', 'clientSecret', 'token', 'accessToken', 'refreshToken',
  'apiKey', 'privateKey', 'secretKey', 'dataKey', 'auditKey', 'signature', 'pin', 'otp',
  ...['headers', 'req.headers', 'config.headers'].flatMap((at) =>
    ['.authorization', '.Authorization', '.cookie', '["x-api-key"]', '["webhook-signature"]'].map((name) => `${at}${name}`),
  ),
  'config.data',
];

/** Deeper than this a logged object is cut: nothing the gateway logs nests further, and a cycle must not hang a line. */
const MAX_DEPTH = 6;

/** An error as a log line shows it: never its other own properties (an axios error carries the request, headers and body). */
export function errorFields(error: Error, depth = 0): Record<string, unknown> {
  const code: unknown = Reflect.get(error, 'code');
  return {
    type: error.name,
    message: error.message,
    ...(typeof code === 'string' || typeof code === 'number' ? { code } : {}),
    ...(error.stack === undefined ? {} : { stack: error.stack }),
    ...(error.cause instanceof Error && depth < 3 ? { cause: errorFields(error.cause, depth + 1) } : {}),
  };
}

function isPlainObject(value: object): value is Record<string, unknown> {
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function maskValue(key: string, value: unknown, depth: number): unknown {
  if (typeof value === 'string' || typeof value === 'number') return maskNamedField(key, value);
  if (value === null || typeof value !== 'object') return value !== undefined && isSecretKey(key) ? REDACTED : value;
  if (isSecretKey(key)) return REDACTED;
  if (value instanceof Error) return errorFields(value);
  if (depth >= MAX_DEPTH) return '[too deep]';
  if (Array.isArray(value)) return value.map((item: unknown) => maskValue(key, item, depth + 1));
  // Class instances (Secret, Date, Buffer) print through their own toJSON; the line's text is masked below.
  return isPlainObject(value) ? maskFields(value, depth + 1) : value;
}

/** Personal data by field name, at any depth; secrets removed; errors reduced to what they say. */
export function maskFields(fields: Record<string, unknown>, depth = 0): Record<string, unknown> {
  const masked: Record<string, unknown> = {};
  for (const key of Object.keys(fields)) masked[key] = maskValue(key, fields[key], depth);
  return masked;
}

/**
 * Every line is masked before it is written, in two steps: its fields by name (`formatters`: a `to`, a `name`, an
 * `accountNumber`, a `password` at any depth), then the whole serialised line as text (`streamWrite`: the message,
 * error messages and stacks, bindings — whatever a provider echoed), so that nothing reaches the output unmasked
 * whichever way it was logged. Only lines at an enabled level pay for it; the accept path logs nothing at info.
 */
export function loggerOptions(level: string): LoggerOptions {
  return {
    level,
    base: { service: 'lienthong' },
    redact: { paths: SECRET_PATHS, censor: REDACTED },
    serializers: { err: (value: unknown) => (value instanceof Error ? errorFields(value) : value) },
    formatters: { log: (fields) => maskFields(fields), bindings: (bindings) => maskFields(bindings) },
    hooks: { streamWrite: maskJsonLine },
  };
}

/** JSON logs on stdout (or `destination`), masked line by line; `pretty`, the same lines for a person to read. */
export function createLogger(level = process.env.LOG_LEVEL ?? 'info', destination?: DestinationStream, format: LogFormat = 'json'): Logger {
  return pino(loggerOptions(level), format === 'pretty' ? prettyDestination(destination) : destination);
}

/** The logger a verb runs with: `LOG_LEVEL` (info) and `LOG_FORMAT` (json) from its environment. */
export function loggerFor(env: Record<string, string | undefined>, destination?: DestinationStream): Logger {
  return createLogger(env.LOG_LEVEL || 'info', destination, logFormat(env.LOG_FORMAT));
}
