/**
 * Test support, not production: one dossier as the gateway sees it after a day's work, for the admin API's timeline
 * and the console's dossier page.
 */
import type { NewMessage } from '../store/types.ts';
import { AGENCY_A, START, type TestGateway, adminHelpers } from './app-fixture.test-helper.ts';

export const DOSSIER_CODE = '000.00.01.H22-260301-0001';
export const MINUTE = 60_000;

/** A message as the portal and webhook capabilities queue it (no such instance in the fixture, so stored directly). */
function stored(id: string, capability: string, operation: string, instance: string, payload: { agency: string } & Record<string, unknown>, at: number): NewMessage {
  return { id, capability, operation, agency: payload.agency, instance, plugin: instance, payload, reference: DOSSIER_CODE, dossierCode: DOSSIER_CODE, maxAttempts: 8, createdAt: at, expiresAt: at + 86_400_000 };
}

/**
 * The portal sync (START), two progress entries (+1 min), an SMS (+2 min), a payment made (+3 min) and paid (+4 min)
 * with its event (+4 min), all of DOSSIER_CODE, full of personal data; and an SMS of another dossier. Returns the
 * first SMS's id.
 */
export async function seedDossier(gateway: TestGateway): Promise<string> {
  const { store } = gateway;
  const { send } = adminHelpers(() => gateway);
  const applicant = { name: 'Nguyễn Văn An', type: 'citizen', idNumber: '046095001234', phone: '0981234567' };
  await store.accept(stored('msg_sync', 'portal', 'syncDossier', 'portal-a', { agency: AGENCY_A, dossier: { code: DOSSIER_CODE, procedureCode: '1.004227', applicant, status: 1 } }, START));
  await store.accept(
    stored('msg_progress', 'portal', 'updateProgress', 'portal-a', {
      agency: AGENCY_A,
      dossierCode: DOSSIER_CODE,
      entries: [
        { handler: 'Trần Thị Bình', handledAt: '2026-03-01T09:00:00+07:00', content: 'Đã tiếp nhận, gọi 0981234567', status: 2 },
        { handler: 'Lê Văn Cường', handledAt: '2026-03-01T10:00:00+07:00', content: 'Chuyển phòng chuyên môn', status: 3 },
      ],
    }, START + MINUTE),
  );
  gateway.clock.t = START + 2 * MINUTE;
  const sms = await send({ reference: DOSSIER_CODE, text: 'Ho so da co ket qua, goi 0981234567' });
  await store.createRecord({ instance: 'payment-a', key: 'PAY-1', status: 'pending', data: { agency: AGENCY_A, dossierCode: DOSSIER_CODE, amount: 50_000, payer: { name: 'Nguyễn Văn An' } }, now: START + 3 * MINUTE, actor: 'test' });
  await store.transitionRecord({ instance: 'payment-a', key: 'PAY-1', from: ['pending'], to: 'paid', now: START + 4 * MINUTE, actor: 'test' });
  await store.accept(stored('msg_event', 'webhook', 'deliver', 'onestop', { agency: AGENCY_A, event: { type: 'payment.succeeded', timestamp: 't', data: { paymentId: 'PAY-1', dossierCode: DOSSIER_CODE, amount: 50_000 } } }, START + 4 * MINUTE));
  await send({ reference: '000.00.01.H22-260301-0002' });
  return sms;
}
