import { describe, expect, it } from 'vitest';
import type { AttemptRecord, AuditEntry, MessageRecord } from '../../store/types.ts';
import { attemptView, auditView, messageView, operatorMessageView } from '../views.ts';
import { documentValidator } from './ajv.test-helper.ts';
import { buildOpenApiDocument } from './document.ts';

/** The views are plain functions: these hold the hand-written schemas to what the functions return. */
const document = buildOpenApiDocument();
const validator = documentValidator(document);
const at = Date.parse('2026-03-01T08:00:00+07:00');

const message = (overrides: Partial<MessageRecord> = {}): MessageRecord => ({
  id: 'msg_01JD3ZK6Q8WBN0V6T0Y5P4C2QX',
  sequence: 1,
  capability: 'sms',
  operation: 'send',
  agency: '000.00.01.H22',
  instance: 'sms-hue',
  plugin: 'sms-viettel',
  payload: { agency: '000.00.01.H22', to: '84981234567', text: 'Hồ sơ đã có kết quả' },
  reference: null,
  dossierCode: null,
  orderingKey: null,
  orderingRank: 0,
  status: 'queued',
  attempts: 0,
  totalAttempts: 0,
  maxAttempts: 8,
  nextAttemptAt: at,
  leaseOwner: null,
  leaseUntil: null,
  lastError: null,
  result: null,
  replays: 0,
  cancelledAt: null,
  payloadPurgedAt: null,
  createdAt: at,
  updatedAt: at,
  expiresAt: at + 86_400_000,
  ...overrides,
});

const states: Array<[string, MessageRecord]> = [
  ['queued', message()],
  ['succeeded', message({ status: 'succeeded', attempts: 1, nextAttemptAt: null, result: { providerMessage: 'OK', segments: 1 }, reference: 'HS-1' })],
  ['dead, cancelled', message({ status: 'dead', attempts: 8, lastError: 'subscriber 0981234567 is blocked', cancelledAt: at, orderingKey: 'HS-1', replays: 2 })],
];

const attempt: AttemptRecord = {
  messageId: 'msg_01JD3ZK6Q8WBN0V6T0Y5P4C2QX',
  round: 0,
  number: 1,
  startedAt: at,
  finishedAt: at + 120,
  outcome: 'retry',
  error: 'timeout',
  providerCode: 'TIMEOUT',
};

const auditEntries: AuditEntry[] = [
  { seq: 1, at, actor: 'key:key_3f2a9c', action: 'message.accepted', messageId: attempt.messageId, instance: 'sms-hue', summary: { to: '849812***67' }, prevHash: '0'.repeat(64), hash: 'a'.repeat(64) },
  { seq: 2, at, actor: 'system', action: 'config.loaded', summary: {}, prevHash: 'a'.repeat(64), hash: 'b'.repeat(64) },
];

const propertiesOf = (name: string) => Object.keys(document.components.schemas[name]?.properties ?? {}).sort();

describe('view schemas against core/http/views.ts', () => {
  it.each(states)('MessageView: a %s message', (_, record) => {
    const view = messageView(record);
    const result = validator.component('MessageView', view);
    expect(result.valid, result.errors).toBe(true);
    expect(Object.keys(view).sort()).toEqual(propertiesOf('MessageView'));
  });

  it.each(states)('OperatorMessage and MessageDetail: a %s message', (_, record) => {
    const view = operatorMessageView(record);
    const result = validator.component('OperatorMessage', view);
    expect(result.valid, result.errors).toBe(true);
    expect(Object.keys(view).sort()).toEqual(propertiesOf('OperatorMessage'));
    const detail = { ...view, attemptHistory: [attemptView(attempt)], auditTrail: auditEntries.map(auditView) };
    const detailResult = validator.component('MessageDetail', detail);
    expect(detailResult.valid, detailResult.errors).toBe(true);
    expect(Object.keys(detail).sort()).toEqual(propertiesOf('MessageDetail'));
    expect(validator.component('MessagePage', { messages: [view], nextCursor: null }).valid).toBe(true);
  });

  it('Attempt', () => {
    const view = attemptView(attempt);
    expect(validator.component('Attempt', view).valid).toBe(true);
    expect(Object.keys(view).sort()).toEqual(propertiesOf('Attempt'));
  });

  it.each(auditEntries)('AuditEntry: $action', (entry) => {
    const view = auditView(entry);
    const result = validator.component('AuditEntry', view);
    expect(result.valid, result.errors).toBe(true);
    expect(Object.keys(view).every((key) => propertiesOf('AuditEntry').includes(key))).toBe(true);
    expect(validator.component('AuditPage', { entries: [view], nextAfterSeq: null }).valid).toBe(true);
  });

  it('AuditVerification: intact and broken', () => {
    expect(validator.component('AuditVerification', { ok: true, checked: 2, head: { seq: 2, hash: 'b'.repeat(64) } }).valid).toBe(true);
    expect(validator.component('AuditVerification', { ok: false, checked: 1, seq: 2, problem: 'entry 2 was altered' }).valid).toBe(true);
    expect(validator.component('AuditVerification', { ok: false, checked: 1 }).valid).toBe(false);
  });

  it.each([
    ['sms/send', { providerMessage: 'Insert MT_QUEUE: OK', segments: 1 }],
    ['portal/syncDossier', { code: '0', message: 'Thành công' }],
    ['portal/updateProgress', { code: '0' }],
    ['webhook/deliver', { status: 204 }],
  ])("types the result of a succeeded %s message by its operation's output", (route, result) => {
    const [capability = '', operation = ''] = route.split('/');
    const succeeded = message({ capability, operation, status: 'succeeded', attempts: 1, nextAttemptAt: null, result });
    for (const [component, view] of [['MessageView', messageView(succeeded)], ['OperatorMessage', operatorMessageView(succeeded)]] as const) {
      const checked = validator.component(component, view);
      expect(checked.valid, checked.errors).toBe(true);
      expect(validator.component(component, { ...view, result: { unexpected: true } }).valid, `${component} with another shape`).toBe(false);
    }
  });

  it("refuses a result of another operation's shape, and a message of an operation that makes none", () => {
    const smsWithPortalAnswer = message({ status: 'succeeded', result: { code: '0' } });
    expect(validator.component('MessageView', messageView(smsWithPortalAnswer)).valid).toBe(false);
    const portalWithSmsAnswer = message({ capability: 'portal', operation: 'syncDossier', status: 'succeeded', result: { providerMessage: 'OK', segments: 1 } });
    expect(validator.component('MessageView', messageView(portalWithSmsAnswer)).valid).toBe(false);
    // A sync operation is answered at once: it never leaves a message.
    expect(validator.component('MessageView', messageView(message({ capability: 'payment', operation: 'create' }))).valid).toBe(false);
  });

  it('refuses what the views never produce', () => {
    expect(validator.component('MessageView', { ...messageView(message()), status: 'cancelled' }).valid).toBe(false);
    expect(validator.component('Accepted', { id: 'msg_1', status: 'done' }).valid).toBe(false);
    expect(validator.component('ReplayOutcome', { dryRun: true, total: 2, byInstance: { 'sms-hue': 2 } }).valid).toBe(true);
    expect(validator.component('ReplayOutcome', { dryRun: false, queued: 2 }).valid).toBe(true);
    expect(validator.component('ReplayOutcome', { dryRun: false, total: 2 }).valid).toBe(false);
  });
});
