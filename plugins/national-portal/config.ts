import * as v from 'valibot';
import { httpUrlField, instanceConfig, pathField, secret, textField, wholeNumberField } from '../../core/sdk/index.ts';

const codes = (name: string) => v.pipe(v.array(textField(name, 20), `${name} must be a list of codes`), v.minLength(1, `${name} must not be empty`));

/**
 * One account on the portal's adapter. The portal's paths and some of its answer codes are not public: they are
 * settings here, with the readings seen in provincial one-stop software as defaults where there is one.
 */
export const portalConfigSchema = instanceConfig('national-portal', {
  /** The adapter's base URL, e.g. `https://adapter.dichvucong.gov.vn`. */
  adapterUrl: httpUrlField('adapterUrl', 'https://adapter.dichvucong.gov.vn'),
  /** Login path, appended to adapterUrl. */
  authPath: pathField('authPath'),
  /** Path every service call is POSTed to, appended to adapterUrl. */
  integrationPath: pathField('integrationPath'),
  username: textField('username'),
  password: secret(v.pipe(v.string(), v.nonEmpty('password must not be empty'))),
  /** Sent as the `dstcode` header at login: the agency code the account belongs to. */
  dstcode: textField('dstcode', 64),
  /** `madonvi` per gateway agency code, where the portal knows the agency by another code; otherwise the agency code itself. */
  unitCodes: v.optional(v.record(v.string(), textField('unitCodes entry', 64)), {}),
  /**
   * At most this many progress entries go in one CapNhatTienDoHoSoMC call; a message's entries are never split,
   * so a message with more goes alone. 1 turns batching off. Default 20.
   */
  progressBatchSize: v.optional(wholeNumberField('progressBatchSize', 1, 100), 20),
  /** How long a progress entry waits for others to join its call. Default 5 ms. */
  progressBatchWindowMs: v.optional(wholeNumberField('progressBatchWindowMs', 0, 1000), 5),
  /** error_code values meaning "this dossier already exists" on an add (with "đã tồn tại" in the message). Default 3, -3. */
  existsCodes: v.optional(codes('existsCodes'), ['3', '-3']),
  /** error_code values meaning the session was refused (expired or unknown): log in again once. Unconfirmed; default -2, 401. */
  sessionRejectedCodes: v.optional(codes('sessionRejectedCodes'), ['-2', '401']),
  /** Per call; without it, the instance's delivery timeout applies. */
  timeoutMs: v.optional(wholeNumberField('timeoutMs', 1, 120_000)),
});

export type PortalConfig = v.InferOutput<typeof portalConfigSchema>;

/** The `madonvi` the portal knows the agency by. */
export function unitCodeOf(config: PortalConfig, agency: string): string {
  return config.unitCodes[agency] ?? agency;
}

/** `adapterUrl` joined with one of the adapter's paths. */
export function endpointOf(config: Pick<PortalConfig, 'adapterUrl'>, path: string): string {
  return `${config.adapterUrl.replace(/\/$/, '')}${path}`;
}
