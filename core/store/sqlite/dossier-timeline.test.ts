import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TEST_AUDIT_KEY } from '../../testing/test-audit-key.ts';
import { PayloadCipher, payloadCodec } from '../payload-cipher.ts';
import { openConnection } from './connection.ts';
import { loadMigrations } from './migrate.ts';
import { SqliteStore } from './sqlite-store.ts';
import { T0, useStore } from './store-fixture.test-helper.ts';

const ctx = useStore();
const HUE = '000.00.01.H22';
const OTHER = '000.00.02.H22';
const CODE = '000.00.01.H22-261121-0001';

const portal = (operation: 'syncDossier' | 'updateProgress', createdAt: number, code = CODE) =>
  ctx.message({ capability: 'portal', operation, instance: 'portal-hue', plugin: 'national-portal', createdAt, reference: code, dossierCode: code, orderingKey: code, orderingRank: operation === 'syncDossier' ? 0 : 1 });
const event = (type: string, createdAt: number, agency = HUE) =>
  ctx.message({
    capability: 'webhook', operation: 'deliver', instance: 'onestop', plugin: 'webhook', createdAt, agency,
    payload: { agency, event: { type, timestamp: new Date(createdAt).toISOString(), data: { paymentId: 'PAY-1', dossierCode: CODE, amount: 50_000 } } },
    dossierCode: CODE,
  });

describe('dossierTimeline', () => {
  it('gives everything about one dossier in time order: sync, progress, SMS, the payment and its events', async () => {
    const sync = portal('syncDossier', T0);
    const progress = portal('updateProgress', T0 + 60_000);
    const sms = ctx.message({ createdAt: T0 + 120_000, reference: CODE, dossierCode: CODE });
    const paid = event('payment.succeeded', T0 + 300_000);
    const elsewhere = portal('syncDossier', T0 + 10, '000.00.01.H22-261121-0002');
    const prefixOnly = portal('syncDossier', T0 + 20, `${CODE}9`);
    await ctx.accepted(progress, sync, sms, paid, elsewhere, prefixOnly);
    await ctx.db.store.createRecord({ instance: 'pay-hue', key: 'PAY-1', status: 'pending', data: { agency: HUE, dossierCode: CODE, amount: 50_000 }, now: T0 + 180_000, actor: 'test' });
    await ctx.db.store.transitionRecord({ instance: 'pay-hue', key: 'PAY-1', from: ['pending'], to: 'paid', data: { paidAt: 'x' }, now: T0 + 240_000, actor: 'test' });
    await ctx.settle(sync.id, 'succeeded', T0 + 1_000);

    const timeline = await ctx.db.store.dossierTimeline(CODE);
    expect(timeline.map((entry) => [entry.kind, entry.id, entry.status])).toEqual([
      ['message', sync.id, 'succeeded'],
      ['message', progress.id, 'queued'],
      ['message', sms.id, 'queued'],
      ['record', 'PAY-1', 'paid'],
      ['event', paid.id, 'queued'],
    ]);
    expect(timeline[0]).toMatchObject({ at: T0, capability: 'portal', operation: 'syncDossier', instance: 'portal-hue', agency: HUE, message: { id: sync.id } });
    expect(timeline[3]).toMatchObject({ at: T0 + 180_000, instance: 'pay-hue', agency: HUE, record: { updatedAt: T0 + 240_000, data: { paidAt: 'x' } } });
    expect(timeline[4]).toMatchObject({ eventType: 'payment.succeeded', capability: 'webhook' });
    expect(await ctx.db.store.dossierTimeline('000.00.01.H22-261121')).toEqual([]);
    expect(await ctx.db.store.dossierTimeline(CODE, { limit: 2 })).toHaveLength(2);
  });

  it('shows a key limited to agencies only their entries, records by the agency their data names', async () => {
    const ours = portal('syncDossier', T0);
    const theirs = event('payment.failed', T0 + 1_000, OTHER);
    await ctx.accepted(ours, theirs);
    await ctx.db.store.createRecord({ instance: 'pay-a', key: 'PAY-A', status: 'paid', data: { agency: OTHER, dossierCode: CODE }, now: T0, actor: 'test' });
    await ctx.db.store.createRecord({ instance: 'pay-b', key: 'PAY-B', status: 'paid', data: { dossierCode: CODE }, now: T0, actor: 'test' });

    expect((await ctx.db.store.dossierTimeline(CODE, { agencies: [HUE] })).map((entry) => entry.id)).toEqual([ours.id]);
    expect((await ctx.db.store.dossierTimeline(CODE, { agencies: [OTHER] })).map((entry) => entry.id)).toEqual(['PAY-A', theirs.id]);
    expect((await ctx.db.store.dossierTimeline(CODE, { agencies: ['*'] })).map((entry) => entry.id)).toEqual(['PAY-A', 'PAY-B', ours.id, theirs.id]);
  });
});

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
