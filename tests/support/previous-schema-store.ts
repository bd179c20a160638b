/**
 * A store as the previous schema version left it: the migrations up to the one before the last, then rows written
 * the way that version's gateway wrote them — messages in every status, their attempts, an idempotency key, API
 * keys, a plugin record, and an audit log chained with the test key, recorded in audit_keys. The SQL names only
 * columns that exist at that version; a migration that renames one makes these inserts fail loudly, which is the
 * time to look at the fixture again.
 */
import { GENESIS, chainEntries } from '../../core/audit/chain.ts';
import { auditKeyId } from '../../core/audit/key-id.ts';
import { openConnection } from '../../core/store/sqlite/connection.ts';
import { codeSchemaVersion, migrate } from '../../core/store/sqlite/migrate.ts';
import { TEST_AUDIT_KEY } from '../../core/testing/test-audit-key.ts';

export const AGENCY = '000.00.01.H22';
const T0 = Date.UTC(2026, 10, 21, 2, 30);

export interface PreviousSchemaStore {
  /** The schema version the store was left at. */
  version: number;
  messages: Array<{ id: string; status: 'queued' | 'succeeded' | 'dead'; attempts: number; dossierCode: string }>;
  keys: Array<{ id: string; hash: string; role: 'client' | 'operator' }>;
  auditEntries: number;
  record: { instance: string; key: string };
  idempotency: { scope: string; key: string; messageId: string };
}

export async function createPreviousSchemaStore(file: string): Promise<PreviousSchemaStore> {
  const version = (await codeSchemaVersion()) - 1;
  const db = await openConnection(file);
  try {
    await migrate(db, { upTo: version });
    const messages: PreviousSchemaStore['messages'] = [
      { id: 'msg_previous_0001', status: 'succeeded', attempts: 1, dossierCode: 'H22.99-260001' },
      { id: 'msg_previous_0002', status: 'dead', attempts: 8, dossierCode: 'H22.99-260002' },
      { id: 'msg_previous_0003', status: 'queued', attempts: 2, dossierCode: 'H22.99-260003' },
    ];
    const keys: PreviousSchemaStore['keys'] = [
      { id: 'key_previous_client', hash: 'a'.repeat(64), role: 'client' },
      { id: 'key_previous_operator', hash: 'b'.repeat(64), role: 'operator' },
    ];
    await db.exec('BEGIN');
    for (const [index, key] of keys.entries()) {
      await db.run('INSERT INTO api_keys (id, hash, role, agencies, label, created_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?, NULL)', [
        key.id, key.hash, key.role, JSON.stringify(key.role === 'client' ? [AGENCY] : ['*']), `key ${index}`, T0 + index,
      ]);
    }
    for (const [index, m] of messages.entries()) {
      const at = T0 + 1000 * (index + 1);
      await db.run(
        `INSERT INTO messages (id, capability, operation, agency, instance, plugin, payload, reference, dossier_code, status, attempts,
                               total_attempts, max_attempts, next_attempt_at, last_error, result, created_at, updated_at, expires_at)
         VALUES (?, 'sms', 'send', ?, 'sms-hue', 'sms-viettel', ?, ?, ?, ?, ?, ?, 8, ?, ?, ?, ?, ?, ?)`,
        [
          m.id, AGENCY, JSON.stringify({ agency: AGENCY, to: '84981234567', text: `Ho so ${m.dossierCode} da co ket qua` }), m.dossierCode, m.dossierCode,
          m.status, m.attempts, m.attempts, m.status === 'queued' ? at + 60_000 : null, m.status === 'succeeded' ? null : 'provider answered 503',
          m.status === 'succeeded' ? JSON.stringify({ providerId: 'vt-1' }) : null, at, at + 500, at + 86_400_000,
        ],
      );
      for (let number = 1; number <= m.attempts; number++) {
        const outcome = number < m.attempts || m.status !== 'succeeded' ? (m.status === 'dead' && number === m.attempts ? 'dead' : 'retry') : 'succeeded';
        await db.run('INSERT INTO attempts (message_id, round, number, started_at, finished_at, outcome, error, provider_code) VALUES (?, 0, ?, ?, ?, ?, ?, ?)', [
          m.id, number, at + number, at + number + 40, outcome, outcome === 'succeeded' ? null : 'provider answered 503', outcome === 'succeeded' ? '0' : '503',
        ]);
      }
    }
    const idempotency = { scope: keys[0]!.id, key: 'idem-previous-1', messageId: messages[0]!.id };
    await db.run('INSERT INTO idempotency_keys (scope, key, request_hash, message_id, status, body, created_at) VALUES (?, ?, ?, ?, NULL, NULL, ?)', [
      idempotency.scope, idempotency.key, 'c'.repeat(64), idempotency.messageId, T0 + 1000,
    ]);
    const record = { instance: 'payment-hue', key: 'pay_previous_1' };
    await db.run("INSERT INTO plugin_records (instance, key, status, data, dossier_code, created_at, updated_at) VALUES (?, ?, 'pending', ?, ?, ?, ?)", [
      record.instance, record.key, JSON.stringify({ dossierCode: 'H22.99-260004', amount: 150000 }), 'H22.99-260004', T0, T0,
    ]);
    const entries = chainEntries(TEST_AUDIT_KEY, { seq: 0, hash: GENESIS }, [
      ...keys.map((key, index) => ({ at: T0 + index, actor: 'cli', action: 'key.created', summary: { keyId: key.id, role: key.role } })),
      ...messages.flatMap((m, index) => [
        { at: T0 + 1000 * (index + 1), actor: `key:${keys[0]!.id}`, action: 'message.accepted', messageId: m.id, instance: 'sms-hue', summary: { agency: AGENCY, to: '84*******67' } },
        { at: T0 + 1000 * (index + 1) + 500, actor: 'worker', action: 'attempt', messageId: m.id, instance: 'sms-hue', summary: { outcome: m.status, attempt: m.attempts } },
      ]),
    ]);
    for (const entry of entries) {
      await db.run('INSERT INTO audit_log (seq, at, actor, action, message_id, instance, summary, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)', [
        entry.seq, entry.at, entry.actor, entry.action, entry.messageId ?? null, entry.instance ?? null, JSON.stringify(entry.summary), entry.prevHash, entry.hash,
      ]);
    }
    await db.run('INSERT INTO audit_keys (from_seq, key_id, recorded_at) VALUES (1, ?, ?)', [auditKeyId(TEST_AUDIT_KEY), T0]);
    await db.exec('COMMIT');
    return { version, messages, keys, auditEntries: entries.length, record, idempotency };
  } finally {
    await db.close();
  }
}
