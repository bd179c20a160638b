import { readFileSync } from 'node:fs';
import { Secret } from '../sdk/secret.ts';
import { ConfigError } from './config-error.ts';
import { envSecret } from './env-secret.ts';

type Environment = Record<string, string | undefined>;

/**
 * Replaces every `{ "env": "NAME" }` and `{ "file": "path" }` in an instance config by a `Secret` holding what it
 * points at. `where` names the place for error messages, e.g. `instance 'sms-hue' config`.
 */
export function resolveSecrets(value: unknown, where: string, env: Environment): unknown {
  if (Array.isArray(value)) return value.map((item, i) => resolveSecrets(item, `${where}[${i}]`, env));
  if (value === null || typeof value !== 'object' || value instanceof Secret) return value;
  const entries = Object.entries(value);
  const only = entries.length === 1 ? entries[0] : undefined;
  if (only && only[0] === 'env' && typeof only[1] === 'string') return new Secret(readEnv(only[1], where, env));
  if (only && only[0] === 'file' && typeof only[1] === 'string') return new Secret(readSecretFile(only[1], where));
  return Object.fromEntries(entries.map(([key, item]) => [key, resolveSecrets(item, `${where}.${key}`, env)]));
}

/** `{ "env": "NAME" }`: the variable, or the file `NAME_FILE` names (env-secret.ts), as for the gateway's own secrets. */
export function readEnv(name: string, where: string, env: Environment): string {
  let value: string | undefined;
  try {
    value = envSecret(env, name);
  } catch (error) {
    throw new ConfigError(`${where}: ${(error as Error).message}`);
  }
  if (value === undefined || value === '') throw new ConfigError(`${where}: environment variable ${name} is not set (nor ${name}_FILE)`);
  return value;
}

function readSecretFile(path: string, where: string): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch (error) {
    throw new ConfigError(`${where}: cannot read secret file ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}
