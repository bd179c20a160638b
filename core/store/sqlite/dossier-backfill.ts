import { findOperation } from '../../capabilities/index.ts';
import type { PayloadCodec } from '../payload-cipher.ts';
import type { Connection } from './connection.ts';
import { recordDossierCode } from './plugin-records.ts';

const ENCRYPTED = "LIKE 'aes256gcm:%'";

/**
 * Migration 012 filled the dossier codes it could read in SQL; this fills those of payloads and record data
 * encrypted at rest, once, when the store is opened with the data key (without it, it waits for a start with it).
 */
export async function backfillDossierCodes(db: Connection, codec: PayloadCodec): Promise<void> {
  if (!(await db.get('SELECT 1 FROM dossier_code_backfill'))) return;
  const messages = await db.all<{ seq: number; capability: string; operation: string; payload: string }>(
    `SELECT seq, capability, operation, payload FROM messages WHERE dossier_code IS NULL AND payload ${ENCRYPTED}`,
  );
  const records = await db.all<{ instance: string; key: string; data: string }>(
    `SELECT instance, key, data FROM plugin_records WHERE dossier_code IS NULL AND data ${ENCRYPTED}`,
  );
  const first = messages[0]?.payload ?? records[0]?.data;
  if (first !== undefined && !decodes(codec, first)) return;
  const messageCodes = messages.flatMap((row) => {
    const code = attempt(() => findOperation(row.capability, row.operation)?.dossierCode?.(JSON.parse(codec.decode(row.payload))));
    return typeof code === 'string' && code !== '' ? [[code, row.seq]] : [];
  });
  const recordCodes = records.flatMap((row) => {
    const code = attempt(() => recordDossierCode(JSON.parse(codec.decode(row.data)) as Record<string, unknown>));
    return typeof code === 'string' ? [[code, row.instance, row.key]] : [];
  });
  await db.exec('BEGIN IMMEDIATE');
  try {
    for (const params of messageCodes) await db.run('UPDATE messages SET dossier_code = ? WHERE seq = ?', params);
    for (const params of recordCodes) await db.run('UPDATE plugin_records SET dossier_code = ? WHERE instance = ? AND key = ?', params);
    await db.run('DELETE FROM dossier_code_backfill');
    await db.exec('COMMIT');
  } catch (error) {
    await db.exec('ROLLBACK');
    throw error;
  }
}

function decodes(codec: PayloadCodec, stored: string): boolean {
  return attempt(() => codec.decode(stored)) !== undefined;
}

/** A payload that cannot be read or is not its operation's shape names no dossier; the others still do. */
function attempt<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}
