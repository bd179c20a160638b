import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ConfigError } from '../config/config-error.ts';

const MIN_LENGTH = 32;

/**
 * The key that signs the audit chain: `LIENTHONG_AUDIT_KEY` (at least 32 characters). Without it, a key file
 * beside the database (`<db>.audit-key`) that the sandbox made, so the CLI verifies and appends with the same
 * key as the sandbox it shares a database with. Only the sandbox creates that file.
 */
export async function auditKey(dbFile: string, env: Record<string, string | undefined>, mayCreate: boolean): Promise<Buffer> {
  const fromEnv = env.LIENTHONG_AUDIT_KEY;
  if (fromEnv !== undefined && fromEnv !== '') {
    if (fromEnv.length < MIN_LENGTH) throw new ConfigError(`LIENTHONG_AUDIT_KEY must be at least ${MIN_LENGTH} characters`);
    return Buffer.from(fromEnv, 'utf8');
  }
  const keyFile = `${dbFile}.audit-key`;
  try {
    return Buffer.from((await readFile(keyFile, 'utf8')).trim(), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  if (!mayCreate) {
    throw new ConfigError('LIENTHONG_AUDIT_KEY is not set: the audit log needs a key of at least 32 characters (e.g. openssl rand -base64 48)');
  }
  const created = randomBytes(48).toString('base64');
  await mkdir(dirname(keyFile), { recursive: true });
  await writeFile(keyFile, `${created}\n`, { mode: 0o600, flag: 'wx' });
  return Buffer.from(created, 'utf8');
}
