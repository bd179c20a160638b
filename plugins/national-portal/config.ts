import * as v from 'valibot';
import { secret } from '../../core/plugin.ts';

function isHttpUrl(value: string): boolean {
  try {
    return /^https?:$/.test(new URL(value).protocol);
  } catch {
    return false;
  }
}

/** A required text field; messages name the field and never quote the input. */
const field = (name: string, max = 200) =>
  v.pipe(
    v.string(`${name} must be a string`),
    v.trim(),
    v.nonEmpty(`${name} must not be empty`),
    v.maxLength(max, `${name} is at most ${max} characters`),
  );

const path = (name: string) => v.pipe(field(name, 300), v.startsWith('/', `${name} must start with /`));

function wholeNumber(name: string, min: number, max: number) {
  return v.pipe(
    v.number(`${name} must be a number`),
    v.integer(`${name} must be a whole number`),
    v.minValue(min, `${name} must be at least ${min}`),
    v.maxValue(max, `${name} must be at most ${max}`),
  );
}

const codes = (name: string) => v.pipe(v.array(field(name, 20), `${name} must be a list of codes`), v.minLength(1, `${name} must not be empty`));

/**
 * One account on the portal's adapter. The portal's paths and some of its answer codes are not public: they are
 * settings here, with the readings seen in provincial one-stop software as defaults where there is one.
 */
export const portalConfigSchema = v.object(
  {
    /** The adapter's base URL, e.g. `https://adapter.dichvucong.gov.vn`. */
    adapterUrl: v.pipe(v.string('adapterUrl must be a string'), v.check(isHttpUrl, 'adapterUrl must be an absolute http or https URL')),
    /** Login path, appended to adapterUrl. */
    authPath: path('authPath'),
    /** Path every service call is POSTed to, appended to adapterUrl. */
    integrationPath: path('integrationPath'),
    username: field('username'),
    password: secret(v.pipe(v.string(), v.nonEmpty('password must not be empty'))),
    /** Sent as the `dstcode` header at login: the agency code the account belongs to. */
    dstcode: field('dstcode', 64),
    /** `madonvi` per gateway agency code, where the portal knows the agency by another code; otherwise the agency code itself. */
    unitCodes: v.optional(v.record(v.string(), field('unitCodes entry', 64)), {}),
    /** Progress entries of this many messages at most go in one CapNhatTienDoHoSoMC call; 1 turns batching off. Default 20. */
    progressBatchSize: v.optional(wholeNumber('progressBatchSize', 1, 100), 20),
    /** How long a progress entry waits for others to join its call. Default 5 ms. */
    progressBatchWindowMs: v.optional(wholeNumber('progressBatchWindowMs', 0, 1000), 5),
    /** error_code values meaning "this dossier already exists" on an add (with "đã tồn tại" in the message). Default 3, -3. */
    existsCodes: v.optional(codes('existsCodes'), ['3', '-3']),
    /** error_code values meaning the session was refused (expired or unknown): log in again once. Unconfirmed; default -2, 401. */
    sessionRejectedCodes: v.optional(codes('sessionRejectedCodes'), ['-2', '401']),
    /** Per call; without it, the instance's delivery timeout applies. */
    timeoutMs: v.optional(wholeNumber('timeoutMs', 1, 120_000)),
  },
  (issue) => {
    const key = issue.path?.[0]?.key;
    return typeof key === 'string' ? `${key} is required` : 'the national-portal config must be an object';
  },
);

export type PortalConfig = v.InferOutput<typeof portalConfigSchema>;

/** The `madonvi` the portal knows the agency by. */
export function unitCodeOf(config: PortalConfig, agency: string): string {
  return config.unitCodes[agency] ?? agency;
}
