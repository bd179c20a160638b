import { readFileSync } from 'node:fs';
import { ConfigError } from './config-error.ts';

type Environment = Record<string, string | undefined>;

/**
 * The gateway's own secret variables. Each may instead be given as `<NAME>_FILE`, the path of a file holding it:
 * what systemd's `LoadCredential=` hands a service (under `$CREDENTIALS_DIRECTORY`), and what keeps a secret out of
 * the environment that `ps e`, `/proc/<pid>/environ` and `systemctl show` reveal.
 */
export const SECRET_VARIABLES = [
  'LIENTHONG_AUDIT_KEY',
  'LIENTHONG_AUDIT_KEYS',
  'LIENTHONG_NEW_AUDIT_KEY',
  'LIENTHONG_DATA_KEY',
  'LIENTHONG_DATABASE_URL',
  'LIENTHONG_SANDBOX_CLIENT_KEY',
  'LIENTHONG_SANDBOX_OPERATOR_KEY',
] as const;

export const fileVariable = (name: string): string => `${name}_FILE`;

const READ_FAILURES: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'it is a directory',
};

/**
 * A secret variable's value: `NAME` itself, or what the file `NAME_FILE` names holds, its trailing newline and
 * spaces trimmed (what `openssl rand -base64 48 > FILE` leaves). Undefined when neither is set; an empty value counts
 * as unset. Both set is refused: which one the operator meant would be a guess.
 */
export function envSecret(env: Environment, name: string): string | undefined {
  const fileName = fileVariable(name);
  const direct = env[name];
  const path = env[fileName];
  const hasDirect = direct !== undefined && direct !== '';
  const hasPath = path !== undefined && path !== '';
  if (hasDirect && hasPath) throw new ConfigError(`${name} and ${fileName} are both set: unset one of them (a service keeps the secret in the file)`);
  if (!hasPath) return direct;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new ConfigError(`cannot read ${fileName} ${path} (${READ_FAILURES[code] ?? code}): check the path, and that the user the gateway runs as may read the file`);
  }
  const value = text.trimEnd();
  if (value === '') throw new ConfigError(`${fileName} ${path} is empty: write the secret in it, or unset ${fileName}`);
  return value;
}

/**
 * The environment with each of the gateway's secret variables given by file read in under its own name, so that
 * whatever reads `LIENTHONG_AUDIT_KEY` finds the key however it was given. The environment given is not changed.
 */
export function withSecretFiles(env: Environment, names: readonly string[] = SECRET_VARIABLES): Environment {
  const resolved = { ...env };
  for (const name of names) {
    const value = envSecret(env, name);
    if (value !== undefined) resolved[name] = value;
  }
  return resolved;
}
