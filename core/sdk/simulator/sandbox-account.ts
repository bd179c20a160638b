/**
 * Sandbox credentials: made at run time (none is ever committed), once per process, so the sandbox's instance and
 * its simulator agree. Secrets stay `Secret`s in the sandbox config; a simulator reveals them only to check them.
 */
import { randomBytes } from 'node:crypto';
import { Secret } from '../secret.ts';

/** The account `make` builds, made on first use and the same for the rest of the process. */
export function sandboxAccount<Account>(make: () => Account): () => Account {
  let made: { account: Account } | undefined;
  return () => (made ??= { account: make() }).account;
}

/** A user name or client id of this run: `sandbox_3f9a1c`. */
export function sandboxName(prefix = 'sandbox', separator = '_'): string {
  return `${prefix}${separator}${randomBytes(3).toString('hex')}`;
}

export interface SandboxSecretOptions {
  /** Random bytes. Default 24. */
  bytes?: number;
  /** Default base64url. */
  encoding?: 'base64url' | 'base64' | 'hex';
  /** Written before the random text, as some providers' secrets start (`whsec_`). */
  prefix?: string;
}

/** A random password, key or shared secret. */
export function sandboxSecret({ bytes = 24, encoding = 'base64url', prefix = '' }: SandboxSecretOptions = {}): Secret {
  return new Secret(`${prefix}${randomBytes(bytes).toString(encoding)}`);
}
