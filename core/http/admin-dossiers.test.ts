import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AGENCY_A, AGENCY_B, START, type TestGateway, adminHelpers, expectProblem, issuePaths, openTestGateway } from './app-fixture.test-helper.ts';
import { DOSSIER_CODE as CODE, MINUTE, seedDossier } from './dossier-fixture.test-helper.ts';

let gateway: TestGateway;
beforeEach(async () => {
  gateway = await openTestGateway();
});
afterEach(async () => {
  await gateway.dispose();
});

const { send, admin } = adminHelpers(() => gateway);

interface Timeline {
  dossierCode: string;
  truncated: boolean;
  entries: Array<Record<string, unknown> & { kind: string; id: string; status: string; at: string }>;
}

async function timeline(code = CODE, token?: string): Promise<Timeline> {
  const response = await admin(`/admin/v1/dossiers/${encodeURIComponent(code)}`, token ? { token } : {});
  expect(response.status).toBe(200);
  return (await response.json()) as Timeline;
}

describe('GET /admin/v1/dossiers/{code}', () => {
  it('gives the portal sync, each progress entry, the SMS, the payment and its event in time order, personal data masked', async () => {
    const sms = await seedDossier(gateway);

    const response = await admin(`/admin/v1/dossiers/${CODE}`);
    expect(response.status).toBe(200);
    const raw = await response.text();
    for (const personal of ['981234567', '046095001234', 'Nguyễn Văn An', 'Trần Thị Bình']) expect(raw).not.toContain(personal);
    const body = JSON.parse(raw) as Timeline;
    expect(body.dossierCode).toBe(CODE);
    expect(body.truncated).toBe(false);
    expect(body.entries.map((entry) => [entry.kind, entry.id, entry.status, entry.at])).toEqual([
      ['message', 'msg_sync', 'queued', new Date(START).toISOString()],
      ['message', 'msg_progress', 'queued', new Date(START + MINUTE).toISOString()],
      ['message', sms, 'queued', new Date(START + 2 * MINUTE).toISOString()],
      ['payment', 'PAY-1', 'paid', new Date(START + 3 * MINUTE).toISOString()],
      ['event', 'msg_event', 'queued', new Date(START + 4 * MINUTE).toISOString()],
    ]);
    const [sync, progress, text, payment, event] = body.entries;
    expect(sync).toMatchObject({ capability: 'portal', operation: 'syncDossier', instance: 'portal-a', agency: AGENCY_A, attempts: 0, detail: { dossierStatus: 1, procedureCode: '1.004227' } });
    expect(progress?.detail).toEqual({
      progress: [
        { handledAt: '2026-03-01T09:00:00+07:00', status: 2, handler: 'T*** T** B***', content: 'Đã tiếp nhận, gọi 0981***567' },
        { handledAt: '2026-03-01T10:00:00+07:00', status: 3, handler: 'L* V** C****', content: 'Chuyển phòng chuyên môn' },
      ],
    });
    expect(text).toMatchObject({ capability: 'sms', operation: 'send', instance: 'sms-a', detail: { to: '8498****567', reference: CODE } });
    expect(payment).toMatchObject({ capability: 'payment', operation: null, instance: 'payment-a', updatedAt: new Date(START + 4 * MINUTE).toISOString(), detail: { amount: 50_000 } });
    expect(event).toMatchObject({ eventType: 'payment.succeeded', capability: 'webhook', detail: { data: { paymentId: 'PAY-1', amount: 50_000 } } });
  });

  it('shows a status as it changes, and the last error masked', async () => {
    const id = await send({ reference: CODE });
    await gateway.killDue('sms-a');
    const [entry] = (await timeline()).entries;
    expect(entry).toMatchObject({ id, status: 'dead', attempts: 1, lastError: 'subscriber 0981***567 is blocked' });
  });

  it('answers 404 with what to check for a dossier it has nothing of, and for a key of another agency', async () => {
    await send({ reference: CODE });
    const unknown = await expectProblem(await admin('/admin/v1/dossiers/000.00.01.H22-260301-9999'), 404, 'not-found');
    expect(unknown.detail).toBe('the gateway has no message, payment or event for this dossier code (codes match exactly, e.g. 000.00.01.H22-260301-0001)');
    // A part of a code is not the code.
    await expectProblem(await admin('/admin/v1/dossiers/000.00.01.H22-260301'), 404, 'not-found');
    const other = await gateway.newKey('operator', [AGENCY_B]);
    await expectProblem(await admin(`/admin/v1/dossiers/${CODE}`, { token: other.token }), 404, 'not-found');
    const own = await gateway.newKey('operator', [AGENCY_A]);
    expect((await timeline(CODE, own.token)).entries).toHaveLength(1);
  });

  it("shows a key limited to agencies only their agencies' entries", async () => {
    const ours = await send({ reference: CODE });
    const theirs = await send({ reference: CODE, agency: AGENCY_B });
    await gateway.store.createRecord({ instance: 'payment-a', key: 'PAY-B', status: 'paid', data: { agency: AGENCY_B, dossierCode: CODE }, now: START, actor: 'test' });
    const a = await gateway.newKey('operator', [AGENCY_A]);
    const b = await gateway.newKey('operator', [AGENCY_B]);
    expect((await timeline(CODE, a.token)).entries.map((entry) => entry.id)).toEqual([ours]);
    expect((await timeline(CODE, b.token)).entries.map((entry) => entry.id).sort()).toEqual(['PAY-B', theirs].sort());
    expect((await timeline()).entries).toHaveLength(3);
  });

  it('answers 400 naming the code when it is longer than any dossier code', async () => {
    const problem = await expectProblem(await admin(`/admin/v1/dossiers/${'x'.repeat(101)}`), 400, 'validation');
    expect(issuePaths(problem)).toEqual(['code']);
    expect(JSON.stringify(problem)).not.toContain('x'.repeat(101));
  });

  it('is found by the message list and a message names its dossier', async () => {
    const id = await send({ reference: CODE });
    const listed = (await (await admin(`/admin/v1/messages?q=${encodeURIComponent(CODE.slice(0, 20))}`)).json()) as { messages: Array<{ id: string; dossierCode: string }> };
    expect(listed.messages).toMatchObject([{ id, dossierCode: CODE }]);
  });
});
