import { readFile } from 'node:fs/promises';
import { parseAuditKeys } from '../audit/keyring.ts';
import { UsageError } from './usage.ts';

/** `--keys-file`: older audit keys, one a line, for verifying a log across key rotations. */
export async function readKeysFile(file: string): Promise<Buffer[]> {
  try {
    return parseAuditKeys(await readFile(file, 'utf8'), file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === undefined) throw error;
    throw new UsageError(`cannot read the keys file ${file}: ${(error as NodeJS.ErrnoException).code}`);
  }
}
