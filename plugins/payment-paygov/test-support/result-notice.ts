/** Result notices as the platform sends them to the callback, signed independently of the plugin's signature.ts. */
import { createHash } from 'node:crypto';
import type { CallbackOutcome } from '../../../core/sdk/index.ts';
import type { TestServices } from '../../../core/sdk/testing.ts';
import { resultCallback } from '../callback.ts';
import { callbackContext, secretText } from './msw-paygov.ts';

export const PAYMENT_ID = 'PG01JDQ4ZK8X7V2M3N4P5Q6R7S8T';

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** A paid result for PAYMENT_ID (50 000 VND), with `change` applied before it is signed with `secret`. */
export function resultNotice(change: Record<string, string> = {}, secret = secretText) {
  const fields = {
    LoaiBanTin: 'CONFIRM',
    MaLoi: '00',
    MaDoiTac: 'UBND_TTHUE',
    MaThamChieu: PAYMENT_ID,
    SoTien: '50000',
    MaTienTe: 'VND',
    MaGiaoDich: 'GD20261121001',
    MaNganHang: 'NCB',
    ThoiGianGD: '20261121093145',
    ThongTinGiaoDich: 'Le phi ho so',
    ...change,
  };
  const signed = [fields.LoaiBanTin, fields.MaLoi, fields.MaDoiTac, fields.MaThamChieu, fields.SoTien, fields.MaTienTe, fields.MaGiaoDich, fields.MaNganHang, fields.ThoiGianGD, fields.ThongTinGiaoDich, secret];
  return { ...fields, MaXacThuc: sha256(signed.join('|')) };
}

/** Posts `body` to the plugin's callback handler as the gateway would, and reads the JSON answer (always HTTP 200). */
export async function deliverResult(services: TestServices, body: unknown) {
  const request = new Request('https://lienthong.example/v1/callbacks/paygov-hue', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const outcome = (await resultCallback.handle(request, callbackContext(services))) as CallbackOutcome;
  return { ...outcome, status: outcome.response.status, answer: (await outcome.response.json()) as Record<string, string> };
}
