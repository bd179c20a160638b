import type { AuditInput, NewRecord, RecordChange, StoredRecord } from '../types.ts';
import type { PayloadCodec } from '../payload-cipher.ts';
import { type RecordRow, recordDossierCode, toRecord } from '../sqlite/plugin-records.ts';
import { insertMessages } from './bulk-writes.ts';
import type { Queries } from './connection.ts';

export async function getRecord(db: Queries, instance: string, key: string, codec: PayloadCodec, forUpdate = false): Promise<StoredRecord | undefined> {
  const row = await db.get<RecordRow>(`SELECT * FROM plugin_records WHERE instance = ? AND key = ?${forUpdate ? ' FOR UPDATE' : ''}`, [instance, key]);
  return row && toRecord(row, codec);
}

export async function createRecord(db: Queries, audit: AuditInput[], record: NewRecord, codec: PayloadCodec): Promise<{ record: StoredRecord; created: boolean }> {
  const { changes } = await db.run(
    'INSERT INTO plugin_records (instance, key, status, data, dossier_code, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (instance, key) DO NOTHING',
    [record.instance, record.key, record.status, codec.encode(JSON.stringify(record.data)), recordDossierCode(record.data), record.now, record.now],
  );
  const stored = await getRecord(db, record.instance, record.key, codec);
  if (!stored) throw new Error(`record ${record.key} of ${record.instance} vanished while it was written`);
  if (changes > 0) {
    audit.push({ at: record.now, actor: record.actor, action: 'record.created', instance: record.instance, summary: { key: record.key, status: record.status } });
  }
  return { record: stored, created: changes > 0 };
}

/**
 * The test-and-set: the record changes, and its events are queued, only when it is in one of `from`. The row is
 * locked as it is read, so of two processes changing it at once the second reads what the first wrote.
 */
export async function transitionRecord(db: Queries, audit: AuditInput[], change: RecordChange, codec: PayloadCodec): Promise<StoredRecord | undefined> {
  const before = await getRecord(db, change.instance, change.key, codec, true);
  if (!before || !change.from.includes(before.status)) return undefined;
  const data = { ...before.data, ...change.data };
  await db.run('UPDATE plugin_records SET status = ?, data = ?, dossier_code = ?, updated_at = ? WHERE instance = ? AND key = ?', [
    change.to, codec.encode(JSON.stringify(data)), recordDossierCode(data), change.now, change.instance, change.key,
  ]);
  audit.push({
    at: change.now,
    actor: change.actor,
    action: 'record.transition',
    instance: change.instance,
    summary: { key: change.key, from: before.status, to: change.to },
  });
  // A record kept in its state (data noted, say) raises no events: they belong to the change of state.
  const enqueue = before.status === change.to ? [] : (change.enqueue ?? []);
  await insertMessages(db, enqueue.map((item) => item.message), codec);
  audit.push(...enqueue.map((item) => item.audit));
  return { ...before, status: change.to, data, updatedAt: change.now };
}

export async function listRecords(
  db: Queries,
  instance: string,
  filter: { status: string; updatedBefore?: number | undefined; limit: number },
  codec: PayloadCodec,
): Promise<StoredRecord[]> {
  const rows = await db.all<RecordRow>(
    'SELECT * FROM plugin_records WHERE instance = ? AND status = ? AND updated_at < ? ORDER BY updated_at LIMIT ?',
    [instance, filter.status, filter.updatedBefore ?? Number.MAX_SAFE_INTEGER, filter.limit],
  );
  return rows.map((row) => toRecord(row, codec));
}
