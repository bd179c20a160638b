import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { auditKeyId } from '../audit/key-id.ts';
import { MIN_AUDIT_KEY_LENGTH, parseAuditKeys } from '../audit/keyring.ts';
import { ConfigError } from '../config/config-error.ts';

/** The key a store is opened with, where it came from, and the keys a rotation left behind, for verification. */
export interface AuditKeys {
  key: Buffer;
  /** Where the key came from, as messages name it: `LIENTHONG_AUDIT_KEY`, or the key file's path. */
  name: string;
  /** Keys the log was chained with before rotations: `LIENTHONG_AUDIT_KEYS` and the key file's later lines. */
  older: Buffer[];
  /** A key the sandbox made up: saved to `<db>.audit-key` only once the store has taken it. */
  save?: () => Promise<void>;
}

export const keyFileOf = (dbFile: string) => `${dbFile}.audit-key`;

/**
 * The key that signs the audit chain: `LIENTHONG_AUDIT_KEY` (at least 32 characters). Without it, a key file
 * beside the database (`<db>.audit-key`) that the sandbox made, so the CLI verifies and appends with the same
 * key as the sandbox it shares a database with: its first line is the key, later lines the keys it replaced.
 * Only the sandbox makes a key up, and writes its file only through `save`, once the store has taken the key.
 */
export async function auditKeys(dbFile: string, env: Record<string, string | undefined>, mayCreate: boolean): Promise<AuditKeys> {
  const older = env.LIENTHONG_AUDIT_KEYS ? parseAuditKeys(env.LIENTHONG_AUDIT_KEYS, 'LIENTHONG_AUDIT_KEYS') : [];
  const fromEnv = env.LIENTHONG_AUDIT_KEY;
  if (fromEnv !== undefined && fromEnv !== '') {
    if (fromEnv.length < MIN_AUDIT_KEY_LENGTH) throw new ConfigError(`LIENTHONG_AUDIT_KEY must be at least ${MIN_AUDIT_KEY_LENGTH} characters`);
    return { key: Buffer.from(fromEnv, 'utf8'), name: 'LIENTHONG_AUDIT_KEY', older };
  }
  const keyFile = keyFileOf(dbFile);
  const lines = await readKeyFile(keyFile);
  if (lines) {
    const [key = '', ...rest] = lines;
    return { key: Buffer.from(key, 'utf8'), name: `the key in ${keyFile}`, older: [...older, ...parseAuditKeys(rest.join('\n'), keyFile)] };
  }
  if (!mayCreate) {
    throw new ConfigError('LIENTHONG_AUDIT_KEY is not set: the audit log needs a key of at least 32 characters (e.g. openssl rand -base64 48)');
  }
  const created = randomBytes(48).toString('base64');
  return {
    key: Buffer.from(created, 'utf8'),
    name: `the sandbox's new key (${keyFile} is missing)`,
    older,
    async save() {
      await mkdir(dirname(keyFile), { recursive: true });
      await writeFile(keyFile, `${created}\n`, { mode: 0o600, flag: 'wx' });
    },
  };
}

/** The key file's non-blank lines, trimmed; undefined when there is no file. */
async function readKeyFile(keyFile: string): Promise<string[] | undefined> {
  try {
    return (await readFile(keyFile, 'utf8')).split('\n').map((line) => line.trim()).filter((line) => line !== '');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    return undefined;
  }
}

/**
 * After a rotation: when `<db>.audit-key` holds the replaced key, the new key takes its first line and the others
 * move down, kept for verification. Written to a new file then renamed over, so the file is never half written.
 * Answers whether the file was changed.
 */
export async function rotateKeyFile(dbFile: string, previousKeyId: string, newKey: Buffer): Promise<boolean> {
  const keyFile = keyFileOf(dbFile);
  const lines = await readKeyFile(keyFile);
  const [current] = lines ?? [];
  if (!lines || current === undefined || auditKeyId(Buffer.from(current, 'utf8')) !== previousKeyId) return false;
  const next = `${keyFile}.next`;
  await writeFile(next, `${[newKey.toString('utf8'), ...lines].join('\n')}\n`, { mode: 0o600 });
  await rename(next, keyFile);
  return true;
}
