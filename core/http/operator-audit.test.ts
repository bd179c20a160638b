import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../store/types.ts';
import { AGENCY_B, START, type TestGateway, adminHelpers, openTestGateway } from './app-fixture.test-helper.ts';

/** What operators' actions write to the audit log: replays (by id, by filter) and cancellations, with their key id. */

let gateway: TestGateway;
beforeEach(async () => {
  gateway = await openTestGateway();
});
afterEach(() => gateway.dispose());

const MINUTE = 60_000;
const { send, admin } = adminHelpers(() => gateway);

async function entries(action: string): Promise<AuditEntry[]> {
  return (await gateway.store.listAudit({}, 500)).filter((entry) => entry.action === action);
}

describe("the audit entries of operators' actions", () => {
  it('records a replay by id with the operator key that asked for it', async () => {
    const id = await send();
    await gateway.killDue('sms-a');
    gateway.clock.t += 10 * MINUTE;
    expect((await admin(`/admin/v1/messages/${id}/replay`, { method: 'POST' })).status).toBe(200);

    expect(await entries('message.replayed')).toEqual([
      expect.objectContaining({
        at: START + 10 * MINUTE,
        actor: `key:${gateway.operator.key.id}`,
        messageId: id,
        instance: 'sms-a',
        summary: { from: 'dead', to: 'queued', replay: 1, attemptsBefore: 1, by: 'id' },
      }),
    ]);
    // The trail an operator reads holds it too.
    const trail = (await (await admin(`/admin/v1/messages/${id}`)).json()) as { auditTrail: AuditEntry[] };
    expect(trail.auditTrail.map((entry) => entry.action)).toEqual(['message.accepted', 'message.replayed']);
  });

  it('records a replay by filter, one entry per message queued, and nothing for a dry run', async () => {
    const [a, b, c] = [await send({ text: 'one' }), await send({ text: 'two' }), await send({ agency: AGENCY_B, text: 'three' })];
    await gateway.killDue('sms-a');
    await gateway.killDue('sms-all');
    const narrow = await gateway.newKey('operator', [AGENCY_B]);

    expect((await admin('/admin/v1/replay', { body: { filter: {}, dryRun: true } })).status).toBe(200);
    expect(await entries('message.replayed')).toEqual([]);

    gateway.clock.t += MINUTE;
    expect(await (await admin('/admin/v1/replay', { body: { filter: {} }, token: narrow.token })).json()).toEqual({ dryRun: false, queued: 1 });
    gateway.clock.t += MINUTE;
    expect(await (await admin('/admin/v1/replay', { body: { filter: { instance: 'sms-a' } } })).json()).toEqual({ dryRun: false, queued: 2 });

    const replayed = await entries('message.replayed');
    expect(replayed.map((entry) => [entry.messageId, entry.actor, entry.at, entry.instance])).toEqual([
      [c, `key:${narrow.key.id}`, START + MINUTE, 'sms-all'],
      [a, `key:${gateway.operator.key.id}`, START + 2 * MINUTE, 'sms-a'],
      [b, `key:${gateway.operator.key.id}`, START + 2 * MINUTE, 'sms-a'],
    ]);
    for (const entry of replayed) expect(entry.summary).toEqual({ from: 'dead', to: 'queued', replay: 1, attemptsBefore: 1, by: 'filter' });
  });

  it('records a second replay as replay 2', async () => {
    const id = await send();
    await gateway.killDue('sms-a');
    await admin(`/admin/v1/messages/${id}/replay`, { method: 'POST' });
    await gateway.killDue('sms-a');
    await admin(`/admin/v1/messages/${id}/replay`, { method: 'POST' });
    expect((await entries('message.replayed')).map((entry) => entry.summary.replay)).toEqual([1, 2]);
  });

  it('records the cancellation of a queued message and of a dead one, with where each was', async () => {
    const queued = await send({ text: 'one' });
    gateway.clock.t += MINUTE;
    expect((await admin(`/admin/v1/messages/${queued}/cancel`, { method: 'POST' })).status).toBe(200);
    const dead = await send({ text: 'two' });
    await gateway.killDue('sms-a');
    gateway.clock.t += MINUTE;
    expect((await admin(`/admin/v1/messages/${dead}/cancel`, { method: 'POST' })).status).toBe(200);

    const reason = `cancelled by operator (${gateway.operator.key.id})`;
    expect(await entries('message.cancelled')).toEqual([
      expect.objectContaining({ at: START + MINUTE, actor: `key:${gateway.operator.key.id}`, messageId: queued, instance: 'sms-a', summary: { from: 'queued', to: 'dead', reason } }),
      expect.objectContaining({ at: START + 2 * MINUTE, actor: `key:${gateway.operator.key.id}`, messageId: dead, instance: 'sms-a', summary: { from: 'dead', to: 'dead', reason } }),
    ]);
  });

  it('records nothing for a refused replay or cancellation', async () => {
    const id = await send();
    expect((await admin(`/admin/v1/messages/${id}/replay`, { method: 'POST' })).status).toBe(409);
    await admin(`/admin/v1/messages/${id}/cancel`, { method: 'POST' });
    expect((await admin(`/admin/v1/messages/${id}/cancel`, { method: 'POST' })).status).toBe(409);
    expect((await entries('message.replayed')).length + (await entries('message.cancelled')).length).toBe(1);
    expect(await gateway.store.verifyAudit()).toMatchObject({ ok: true });
  });
});
