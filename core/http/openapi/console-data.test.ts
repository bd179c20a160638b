import { describe, expect, it } from 'vitest';
import type { DossierEntry, MessageRecord, Overview, StoredRecord } from '../../store/types.ts';
import { dossierView, overviewView } from '../views.ts';
import { documentValidator } from './ajv.test-helper.ts';
import { buildOpenApiDocument } from './document.ts';

/** The overview and dossier schemas held to what core/http/views.ts answers. */
const validator = documentValidator(buildOpenApiDocument());
const at = Date.parse('2026-03-01T08:00:00+07:00');
const CODE = '000.00.01.H22-260301-0001';

const message = (overrides: Partial<MessageRecord>): MessageRecord => ({
  id: 'msg_01JD3ZK6Q8WBN0V6T0Y5P4C2QX', sequence: 1, capability: 'portal', operation: 'syncDossier', agency: '000.00.01.H22', instance: 'portal',
  plugin: 'national-portal', payload: { agency: '000.00.01.H22', dossier: { code: CODE, status: 1 } }, reference: CODE, dossierCode: CODE, orderingKey: CODE,
  orderingRank: 0, status: 'succeeded', attempts: 1, totalAttempts: 1, maxAttempts: 8, nextAttemptAt: null, leaseOwner: null, leaseUntil: null,
  lastError: null, result: null, replays: 0, cancelledAt: null, payloadPurgedAt: null, createdAt: at, updatedAt: at, expiresAt: at + 1, ...overrides,
});
const record: StoredRecord = { instance: 'pay', key: 'PAY-1', status: 'paid', data: { agency: '000.00.01.H22', dossierCode: CODE, amount: 50_000 }, createdAt: at, updatedAt: at };
const facts = (m: MessageRecord) => ({ at: m.createdAt, id: m.id, status: m.status, instance: m.instance, agency: m.agency, capability: m.capability, operation: m.operation, message: m });

describe('console data schemas against core/http/views.ts', () => {
  it('DossierTimeline: every kind of entry, a purged payload, a record of an instance that is no payment', () => {
    const sms = message({ capability: 'sms', operation: 'send', payload: { agency: 'x', to: '84981234567', text: 'x' }, status: 'dead', lastError: 'blocked' });
    const purged = message({ operation: 'updateProgress', payload: null, payloadPurgedAt: at });
    const event = message({ capability: 'webhook', operation: 'deliver', payload: { agency: 'x', event: { type: 'payment.succeeded', data: { amount: 1 } } } });
    const entries: DossierEntry[] = [
      { kind: 'message', ...facts(message({})) },
      { kind: 'message', ...facts(sms) },
      { kind: 'message', ...facts(purged) },
      { kind: 'event', eventType: 'payment.succeeded', ...facts(event) },
      { kind: 'event', eventType: null, ...facts({ ...event, payload: null }) },
      { kind: 'record', at, id: 'PAY-1', status: 'paid', instance: 'pay', agency: '000.00.01.H22', record },
      { kind: 'record', at, id: 'C-1', status: 'kept', instance: 'cache', agency: null, record: { ...record, instance: 'cache' } },
    ];
    const view = dossierView(CODE, entries, 6, (instance) => (instance === 'pay' ? 'payment' : undefined));
    const result = validator.component('DossierTimeline', view);
    expect(result.valid, result.errors).toBe(true);
    expect(view.truncated).toBe(true);
    expect(view.entries.map((entry) => entry.kind)).toEqual(['message', 'message', 'message', 'event', 'event', 'payment']);
    expect(validator.component('DossierTimeline', dossierView(CODE, entries.slice(6), 10, () => undefined)).valid).toBe(true);
    expect(validator.component('DossierTimeline', { ...view, entries: [{ ...view.entries[0], kind: 'cancelled' }] }).valid).toBe(false);
  });

  it('Overview: configured and former instances, with and without attempts', () => {
    const overview: Overview = {
      counts: [{ capability: 'sms', agency: '000.00.01.H22', status: 'dead', count: 3 }],
      instances: [
        { instance: 'sms', capability: 'sms', queued: 2, processing: 1, dead: 3, succeeded: 9, oldestWaitingAt: at - 5_000, lastHour: { attempts: 4, failures: 1 } },
        { instance: 'old', capability: 'sms', queued: 0, processing: 0, dead: 1, succeeded: 0, oldestWaitingAt: null, lastHour: { attempts: 0, failures: 0 } },
      ],
    };
    const view = overviewView(overview, at, [
      { id: 'sms', plugin: 'sms-viettel', capability: 'sms', configured: true, circuit: 'open', paused: { at: new Date(at).toISOString(), by: 'key:key_1', reason: 'Viettel maintenance' }, health: { ok: true, checkedAt: new Date(at).toISOString(), ageMs: 0 } },
      { id: 'idle', plugin: 'ecard', capability: 'ecard', configured: true, circuit: 'closed', paused: null, health: { ok: null, checkedAt: null, ageMs: null } },
      { id: 'old', plugin: null, capability: 'sms', configured: false, circuit: null, paused: null, health: null },
    ]);
    const result = validator.component('Overview', view);
    expect(result.valid, result.errors).toBe(true);
    expect(view.instances.map((instance) => [instance.id, instance.oldestWaitingAgeMs, instance.lastHour.failureRate])).toEqual([
      ['sms', 5_000, 0.25],
      ['idle', null, null],
      ['old', null, null],
    ]);
  });
});
