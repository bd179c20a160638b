import { readFile } from 'node:fs/promises';
import { ConfigError } from '../config/config-error.ts';
import { rotateKeyFile } from '../store/audit-key.ts';
import type { Actor, AuditKeyRotation, AuditStore } from '../store/types.ts';
import { MIN_AUDIT_KEY_LENGTH } from './keyring.ts';

/** Where an operator gives the new key: a file or the environment, never the command line (ps shows argv). */
export interface NewKeySource {
  /** `--new-key-file FILE`: the key on its first line, e.g. made by `openssl rand -base64 48 > FILE`. */
  file?: string | undefined;
  /** `LIENTHONG_NEW_AUDIT_KEY`. */
  env?: string | undefined;
}

export const NEW_KEY_VARIABLE = 'LIENTHONG_NEW_AUDIT_KEY';

/** The new key, from exactly one of its sources, at least as long as any audit key. */
export async function readNewAuditKey(source: NewKeySource): Promise<Buffer> {
  const fromEnv = source.env === '' ? undefined : source.env;
  if (source.file !== undefined && fromEnv !== undefined) {
    throw new ConfigError(`the new audit key is given twice (--new-key-file and ${NEW_KEY_VARIABLE}): give it once`);
  }
  if (source.file === undefined && fromEnv === undefined) {
    throw new ConfigError(`audit rotate-key needs the new key in a file (--new-key-file FILE, e.g. from openssl rand -base64 48) or in ${NEW_KEY_VARIABLE}`);
  }
  let text = fromEnv;
  let name = NEW_KEY_VARIABLE;
  if (source.file !== undefined) {
    name = source.file;
    try {
      text = (await readFile(source.file, 'utf8')).split('\n').map((line) => line.trim()).find((line) => line !== '');
    } catch (error) {
      throw new ConfigError(`cannot read the new audit key from ${source.file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
  }
  if (text === undefined || text.length < MIN_AUDIT_KEY_LENGTH) {
    throw new ConfigError(`the new audit key in ${name} must be at least ${MIN_AUDIT_KEY_LENGTH} characters (e.g. openssl rand -base64 48)`);
  }
  return Buffer.from(text, 'utf8');
}

export interface RotationDone extends AuditKeyRotation {
  /** The store's `<db>.audit-key` held the replaced key and now holds the new one first. */
  keyFileUpdated: boolean;
}

/**
 * Rotates the audit key of the store at `dbFile` (opened with its current key): the chain records the change,
 * and the sandbox's key file, when it held the replaced key, follows.
 */
export async function rotateAuditKey(store: AuditStore, dbFile: string | undefined, newKey: Buffer, at: number, actor: Actor): Promise<RotationDone> {
  const rotation = await store.rotateAuditKey(newKey, at, actor);
  // A PostgreSQL store (no file) has no key file: its processes take the key from LIENTHONG_AUDIT_KEY.
  return { ...rotation, keyFileUpdated: dbFile !== undefined && (await rotateKeyFile(dbFile, rotation.previousKeyId, newKey)) };
}

/** What the operator reads after a rotation, and what to do next. */
export function rotationReport(done: RotationDone): string[] {
  return [
    `audit key rotated at entry ${done.seq}: key id ${done.previousKeyId} -> ${done.newKeyId}`,
    ...(done.keyFileUpdated ? ['the store\'s .audit-key file now holds the new key on its first line, the replaced keys after it'] : []),
    'next: start the gateway with LIENTHONG_AUDIT_KEY set to the new key, and keep the old key in LIENTHONG_AUDIT_KEYS for `lienthong audit verify`',
  ];
}
