import { Writable } from 'node:stream';
import * as v from 'valibot';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DeliveryWorker } from '../delivery/worker.ts';
import { createLogger } from '../logger.ts';
import { pluginServices } from '../runtime/plugin-services.ts';
import { definePlugin } from '../sdk/index.ts';
import { permanent } from '../testing/script.ts';
import { AGENCY_A, DEFAULT_INSTANCES, type TestGateway, adminHelpers, openTestGateway } from './app-fixture.test-helper.ts';

/**
 * E-mail and postal addresses in what operators read: an applicant's `email` and `address` fields, and an e-mail
 * written in an SMS text, in the reference, or echoed back by a provider, are masked in the admin API, the audit
 * trail and the log, as names and phone numbers are.
 */

const EMAIL = "o'brien@example.com";
const EMAIL_MASKED = 'o******@e******.com';
const ADDRESS = '12 Lê Lợi, phường Vĩnh Ninh, thành phố Huế';
const ADDRESS_MASKED = '** L* L**, p***** V*** N***, t**** p** H**';
/** Forms the raw values must not appear in, anywhere. */
const RAW = ['brien', 'example.com', 'Lê Lợi', 'Vĩnh Ninh', '0981234567', '046095001234'];

/** A portal plugin that takes every dossier. */
const portalPlugin = definePlugin({
  id: 'test-portal',
  capability: 'portal',
  configSchema: v.object({}),
  operations: {
    syncDossier: { run: async () => ({ code: '0' }) },
    updateProgress: { run: async () => ({ code: '0' }) },
    lookupDossier: { run: async (input) => ({ found: false, dossierCode: input.dossierCode }) },
    listProcedures: { run: async () => ({ procedures: [] }) },
  },
});

let gateway: TestGateway;
let logged: string[];
beforeEach(async () => {
  logged = [];
  const capture = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logged.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  gateway = await openTestGateway({
    log: createLogger('debug', capture),
    plugins: [portalPlugin],
    instances: [...DEFAULT_INSTANCES, { id: 'portal-all', plugin: 'test-portal', agencies: ['*'] }],
  });
});
afterEach(() => gateway.dispose());

const { send, admin } = adminHelpers(() => gateway);

function expectNoRaw(where: string, text: string): void {
  for (const raw of RAW) expect(text, `${where} holds ${raw}`).not.toContain(raw);
}

async function deliverDue(): Promise<void> {
  const { store, instances, clock, log } = gateway.context;
  const worker = new DeliveryWorker({ store, instances, log, clock, random: () => 0.5, services: (instance) => pluginServices(gateway.context, instance.id, 'worker') });
  await worker.deliverDue({ wait: true });
}

describe("an applicant's e-mail and address", () => {
  it('are masked in the admin API, like the name, phone and identity number beside them', async () => {
    const dossier = {
      code: '000.00.01.H22-260301-0001',
      procedureCode: '1.004227',
      applicant: { name: 'Nguyễn Văn An', type: 'citizen', idNumber: '046095001234', phone: '0981234567', email: EMAIL, address: ADDRESS },
      receivedAt: '2026-03-01T08:00:00+07:00',
      status: 1,
      note: `Liên hệ ${EMAIL}; địa chỉ: ${ADDRESS}`,
    };
    const accepted = await gateway.request('/v1/portal/syncDossier', { body: { agency: AGENCY_A, dossier } });
    expect(accepted.status).toBe(202);
    const { id } = (await accepted.json()) as { id: string };
    await deliverDue();

    const one = await admin(`/admin/v1/messages/${id}`);
    const list = await admin('/admin/v1/messages?capability=portal');
    expect([one.status, list.status]).toEqual([200, 200]);
    const text = await one.text();
    expectNoRaw('the message', text);
    expectNoRaw('the list', await list.text());
    const view = JSON.parse(text) as { status: string; payload: { dossier: typeof dossier } };
    expect(view.status).toBe('succeeded');
    expect(view.payload.dossier.applicant).toEqual({
      name: 'N***** V** A*',
      type: 'citizen',
      idNumber: '046******234',
      phone: '0981***567',
      email: EMAIL_MASKED,
      address: ADDRESS_MASKED,
    });
    expect(view.payload.dossier.note).toBe(`Liên hệ ${EMAIL_MASKED}; địa chỉ: ${ADDRESS_MASKED}`);
    // Not personal data: as sent.
    expect(view.payload.dossier).toMatchObject({ code: dossier.code, procedureCode: dossier.procedureCode, receivedAt: dossier.receivedAt });
  });
});

describe('an e-mail written in an SMS', () => {
  it('is masked in the admin view, the audit trail and the log, and the words around it stay', async () => {
    const smsText = `Ho so 000.00.01.H22-260301-0001 da co ket qua. Mang CCCD den nhan hoac gui ${EMAIL}`;
    const id = await send({ text: smsText, reference: `HS-0001 ${EMAIL}` });
    // The provider refuses it and echoes the text back, as providers do.
    gateway.sms.queue(permanent(`Viettel refused the content "${smsText}"`));
    await deliverDue();

    const response = await admin(`/admin/v1/messages/${id}`);
    expect(response.status).toBe(200);
    const raw = await response.text();
    expectNoRaw('the message', raw);
    const maskedText = `Ho so 000.00.01.H22-260301-0001 da co ket qua. Mang CCCD den nhan hoac gui ${EMAIL_MASKED}`;
    const view = JSON.parse(raw) as { payload: { text: string }; reference: string; lastError: string; auditTrail: Array<{ action: string; summary: Record<string, unknown> }> };
    expect(view.payload.text).toBe(maskedText);
    expect(view.reference).toBe(`HS-0001 ${EMAIL_MASKED}`);
    expect(view.lastError).toBe(`Viettel refused the content "${maskedText}"`);
    const accepted = view.auditTrail.find((entry) => entry.action === 'message.accepted');
    const attempt = view.auditTrail.find((entry) => entry.action === 'attempt');
    expect(accepted?.summary.reference).toBe(`HS-0001 ${EMAIL_MASKED}`);
    expect(attempt?.summary.error).toBe(`Viettel refused the content "${maskedText}"`);

    const trail = await admin(`/admin/v1/audit?messageId=${id}`);
    expect(trail.status).toBe(200);
    expectNoRaw('the audit trail', await trail.text());
    expectNoRaw('the audit log in the store', JSON.stringify(await gateway.store.listAudit({}, 500)));
    // The failure was logged (a quiet log could not pass), masked.
    expect(logged.some((line) => line.includes(EMAIL_MASKED))).toBe(true);
    for (const line of logged) expectNoRaw('a log line', line);
  });
});
