import { readFileSync } from 'node:fs';
import { Secret } from '../sdk/secret.ts';
import { ConfigError } from './config-error.ts';

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

export function readEnv(name: string, where: string, env: Environment): string {
  const value = env[name];
  if (value === undefined || value === '') throw new ConfigError(`${where}: environment variable ${name} is not set`);
  return value;
}

function readSecretFile(path: string, where: string): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch (error) {
    throw new ConfigError(`${where}: cannot read secret file ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}
