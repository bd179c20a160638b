import type { DossierEntry, DossierRecordEntry } from '../types.ts';
import type { PayloadCodec } from '../payload-cipher.ts';
import { type RecordRow, toRecord } from '../sqlite/plugin-records.ts';
import { type MessageRow, toMessage } from '../sqlite/rows.ts';
import type { Queries } from './connection.ts';

const DEFAULT_LIMIT = 1000;

/**
 * Everything stored about one dossier, oldest first: its messages and events and its plugin records. A record's
 * agency is its data's `agency`: a key limited to agencies sees a record only when it names one of theirs.
 */
export async function readDossierTimeline(
  db: Queries,
  codec: PayloadCodec,
  code: string,
  options: { agencies?: readonly string[] | undefined; limit?: number } = {},
): Promise<DossierEntry[]> {
  const scope = options.agencies && !options.agencies.includes('*') ? options.agencies : undefined;
  const limit = options.limit ?? DEFAULT_LIMIT;
  const [messageRows, recordRows] = await Promise.all([
    db.all<MessageRow>(
      `SELECT * FROM messages WHERE dossier_code = ? ${scope ? `AND agency IN (${scope.map(() => '?').join(', ') || 'NULL'})` : ''}
        ORDER BY created_at, seq LIMIT ?`,
      [code, ...(scope ?? []), limit],
    ),
    db.all<RecordRow>('SELECT * FROM plugin_records WHERE dossier_code = ? ORDER BY created_at LIMIT ?', [code, limit]),
  ]);
  const messages: DossierEntry[] = messageRows.map((row) => {
    const message = toMessage(row, codec);
    const facts = {
      at: message.createdAt, id: message.id, status: message.status, instance: message.instance, agency: message.agency,
      capability: message.capability, operation: message.operation, message,
    };
    return message.capability === 'webhook' ? { ...facts, kind: 'event', eventType: eventTypeOf(message.payload) } : { ...facts, kind: 'message' };
  });
  const records = recordRows
    .map((row): DossierRecordEntry => {
      const record = toRecord(row, codec);
      const agency = typeof record.data.agency === 'string' ? record.data.agency : null;
      return { kind: 'record', at: record.createdAt, id: record.key, status: record.status, instance: record.instance, agency, record };
    })
    .filter((entry) => !scope || (entry.agency !== null && scope.includes(entry.agency)));
  // Records first among equals: a payment is created before the events its changes raise.
  return [...records, ...messages].sort((a, b) => a.at - b.at).slice(0, limit);
}

/** An event's type from its payload; null once retention removed the payload. */
function eventTypeOf(payload: unknown): string | null {
  if (payload === null || typeof payload !== 'object' || !('event' in payload)) return null;
  const event = payload.event;
  return event !== null && typeof event === 'object' && 'type' in event && typeof event.type === 'string' ? event.type : null;
}
