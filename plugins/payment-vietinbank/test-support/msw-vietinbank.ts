/** msw handlers for the bank's API: keep what the plugin sent, answer what the test says. */
import { http as mswHttp, HttpResponse } from 'msw';
import type { SetupServer } from 'msw/node';
import { recordJsonRequests, type SentJsonRequest } from '../../../core/sdk/testing.ts';
import { account, bankSigned, ENDPOINT } from './fixtures.ts';

export const CREATE_URL = `${ENDPOINT}/collection/v1/payments`;
export const INQUIRY_URL = `${ENDPOINT}/collection/v1/inquiry`;

type Answer = (request: Record<string, unknown>) => Response | Promise<Response>;

/** Answers POSTs to `url` and keeps what was sent, in order, in `sent` (one list may gather several URLs). */
export function bankAnswering(server: SetupServer, url: string, answer: Answer, sent: SentJsonRequest[] = []): SentJsonRequest[] {
  const requests = recordJsonRequests();
  server.use(
    mswHttp.post(url, async ({ request }) => {
      const kept = await requests.record(request);
      sent.push(kept);
      return answer(kept.json);
    }),
  );
  return sent;
}

const base = (request: Record<string, unknown>, code: string, message = 'msg') => ({
  requestId: request.requestId,
  providerId: account().providerId,
  merchantId: account().merchantId,
  status: { code, message },
});

/** The bank's signed answer to a create request. */
export function createAnswer(request: Record<string, unknown>, code = '00', extra: Record<string, unknown> = {}) {
  const success = code === '00' ? { bankTransId: '', paymentUrl: `https://pay.vietinbank.test/pay/${String(request.requestId)}`, qrData: '000201QR', expireTime: request.expireTime } : {};
  return HttpResponse.json(bankSigned('createAnswer', { ...base(request, code), ...success, ...extra }));
}

/** The bank's signed answer to an inquiry; `state` is transStatus (00 paid, 01 pending, 02 failed, 03 expired). */
export function inquiryAnswer(request: Record<string, unknown>, code: string, state?: { transStatus: string; amount: string; bankTransId?: string; payTime?: string }) {
  const found =
    code === '00' && state
      ? {
          queryTransactionId: request.queryTransactionId,
          transStatus: state.transStatus,
          amount: state.amount,
          bankTransId: state.bankTransId ?? '',
          payTime: state.payTime ?? '',
          paymentUrl: `https://pay.vietinbank.test/pay/${String(request.queryTransactionId)}`,
          qrData: '000201QR',
          expireTime: '20991231235959',
        }
      : {};
  return HttpResponse.json(bankSigned('inquiryAnswer', { ...base(request, code), ...found }));
}
