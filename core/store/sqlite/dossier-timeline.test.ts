import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TEST_AUDIT_KEY } from '../../testing/test-audit-key.ts';
import { PayloadCipher, payloadCodec } from '../payload-cipher.ts';
import { openConnection } from './connection.ts';
import { loadMigrations } from './migrate.ts';
import { SqliteStore } from './sqlite-store.ts';
import { T0 } from './store-fixture.test-helper.ts';

const HUE = '000.00.01.H22';
const CODE = '000.00.01.H22-261121-0001';

/** The dossier timeline itself is a contract test (core/store/contract/dossier-timeline.contract.test.ts). */
describe('migration 012 on a store that has messages already', () => {
  it('fills dossier codes (encrypted payloads once opened with the data key) and the counters', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lienthong-migrate-'));
    const file = join(dir, 'old.db');
    const cipher = PayloadCipher.fromEnvironment(Buffer.alloc(32, 9).toString('base64'));
    const sealed = payloadCodec(cipher);
    try {
      // The schema as it stood before, with rows written by that version.
      const db = await openConnection(file);
      await db.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');
      for (const migration of (await loadMigrations()).filter((m) => m.version <= 11)) {
        await db.exec(migration.sql);
        await db.run('INSERT INTO schema_migrations VALUES (?, ?, 0)', [migration.version, migration.name]);
      }
      const insert = (id: string, capability: string, operation: string, reference: string | null, payload: string, status = 'succeeded') =>
        db.run(
          `INSERT INTO messages (id, capability, operation, agency, instance, plugin, payload, reference, status, attempts, max_attempts, created_at, updated_at, expires_at)
           VALUES (?, ?, ?, ?, ?, 'p', ?, ?, ?, 1, 8, ?, ?, ?)`,
          [id, capability, operation, HUE, `${capability}-hue`, payload, reference, status, T0, T0, T0 + 1],
        );
      const eventPayload = (type: string) => JSON.stringify({ agency: HUE, event: { type, timestamp: 't', data: { dossierCode: CODE } } });
      await insert('m1', 'portal', 'syncDossier', CODE, JSON.stringify({ agency: HUE, dossier: { code: CODE } }));
      await insert('m2', 'sms', 'send', CODE, JSON.stringify({ agency: HUE, to: '84981234567', text: 'x', reference: CODE }), 'dead');
      await insert('m3', 'webhook', 'deliver', null, eventPayload('payment.succeeded'));
      await insert('m4', 'webhook', 'deliver', null, sealed.encode(eventPayload('payment.failed')), 'queued');
      await insert('m5', 'webhook', 'deliver', null, JSON.stringify({ agency: HUE, event: { type: 'message.dead', timestamp: 't', data: { messageId: 'm2', reference: CODE } } }));
      await insert('m6', 'sms', 'send', '', JSON.stringify({ agency: HUE, to: '84981234567', text: 'x', reference: '' }));
      await db.run("INSERT INTO plugin_records VALUES ('pay-hue', 'PAY-1', 'paid', ?, ?, ?)", [JSON.stringify({ agency: HUE, dossierCode: CODE }), T0, T0]);
      await db.run("INSERT INTO plugin_records VALUES ('pay-hue', 'PAY-2', 'paid', ?, ?, ?)", [sealed.encode(JSON.stringify({ agency: HUE, dossierCode: CODE })), T0, T0]);
      await db.close();

      // Without the data key, what SQL can read is filled; the rest waits for the key.
      let store = await SqliteStore.open(file, { auditKey: TEST_AUDIT_KEY });
      expect((await store.dossierTimeline(CODE)).map((entry) => entry.id)).toEqual(['PAY-1', 'm1', 'm2', 'm3', 'm5']);
      expect((await store.overview(T0)).counts).toEqual([
        { capability: 'portal', agency: HUE, status: 'succeeded', count: 1 },
        { capability: 'sms', agency: HUE, status: 'dead', count: 1 },
        { capability: 'sms', agency: HUE, status: 'succeeded', count: 1 },
        { capability: 'webhook', agency: HUE, status: 'queued', count: 1 },
        { capability: 'webhook', agency: HUE, status: 'succeeded', count: 2 },
      ]);
      await store.close();

      store = await SqliteStore.open(file, { auditKey: TEST_AUDIT_KEY, dataKey: cipher });
      expect((await store.dossierTimeline(CODE)).map((entry) => entry.id)).toEqual(['PAY-1', 'PAY-2', 'm1', 'm2', 'm3', 'm4', 'm5']);
      expect((await store.dossierTimeline(CODE)).find((entry) => entry.id === 'm4')).toMatchObject({ kind: 'event', eventType: 'payment.failed' });
      await store.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
