/**
 * msw handlers for the card service and NGSP at the test config's fake hosts, answering the way the real services
 * would (and the simulator does), and keeping what was sent so that tests can check it.
 */
import { http, HttpResponse } from 'msw';
import type { SetupServer } from 'msw/node';
import { recordRequests, type SentRequest } from '../../../core/sdk/testing.ts';
import { CARD_BASE, NGSP_BASE, TOKEN_URL } from './context.ts';

export const envelope = (code: string, data?: unknown, status = 200, headers: Record<string, string> = {}) =>
  HttpResponse.json(data === undefined ? { code, message: `code ${code}` } : { code, message: `code ${code}`, data }, { status, headers });

export const cardData = (overrides: Record<string, unknown> = {}) => ({
  cardNumber: 'TTH-EC-000101',
  taxCode: '0100233488',
  enterpriseName: 'Công ty Cổ phần Thương mại Dịch vụ Hương Giang',
  address: '12 Lê Lợi, thành phố Huế',
  legalRepresentative: 'Nguyễn Văn An',
  status: 'ACTIVE',
  issueDate: '15/03/2024',
  expiryDate: '14/03/2029',
  ...overrides,
});

export const registryBody = (overrides: Record<string, unknown> = {}) => ({
  Data: {
    MainInformation: { ENTERPRISE_GDT_CODE: '0100109106', NAME: 'Công ty Cổ phần Vận tải Biển Đông Hà', ENTERPRISE_STATUS_NAME: 'Đang hoạt động', ...overrides },
    HOAdress: { AddressFullText: '27 Trần Phú, Đông Hà, Quảng Trị' },
    Representatives: { FULL_NAME: 'Đặng Thu Hà' },
  },
});

/** Every card-service request under CARD_BASE answered by `answer`. */
export function cardAnswering(server: SetupServer, answer: (request: Request) => Response | Promise<Response>): SentRequest[] {
  const cards = recordRequests();
  server.use(
    http.all(`${CARD_BASE}/*`, async ({ request }) => {
      await cards.record(request);
      return answer(request);
    }),
  );
  return cards.sent;
}

/** NGSP: the token endpoint (fresh token each time, or `tokenAnswer`) and the look-up answered by `answer`. */
export function ngspAnswering(
  server: SetupServer,
  answer: (request: Request) => Response | Promise<Response>,
  tokenAnswer?: (request: Request, issued: number) => Response,
): { tokens: SentRequest[]; lookups: SentRequest[] } {
  const tokens = recordRequests();
  const lookups = recordRequests();
  server.use(
    http.post(TOKEN_URL, async ({ request }) => {
      await tokens.record(request);
      const issued = tokens.sent.length;
      return tokenAnswer ? tokenAnswer(request, issued) : HttpResponse.json({ access_token: `token-${issued}`, token_type: 'Bearer', expires_in: 3600 });
    }),
    http.get(`${NGSP_BASE}/apiCSDLDKDN/1.0/chiTietDoanhNghiep`, async ({ request }) => {
      await lookups.record(request);
      return answer(request);
    }),
  );
  return { tokens: tokens.sent, lookups: lookups.sent };
}
