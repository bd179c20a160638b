/**
 * The card service as the plugin's default config expects it: `/v1/...` below its base, the API key in
 * X-API-Key, JSON envelopes `{ code, message, data }` with the codes of ANSWER_CODES, dates as `dd/MM/yyyy`.
 */
import { timingSafeEqual } from 'node:crypto';
import { Hono, type Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { normaliseTaxCode } from '../../../core/capabilities/identifiers.ts';
import type { ReceivedLedger } from '../../../core/sdk/index.ts';
import { businessOf } from './businesses.ts';
import { newOtp, type CardState, type ReceivedCall, type SimulatorCredentials, type SimulatorState } from './state.ts';

const envelope = (c: Context, status: ContentfulStatusCode, code: string, message: string, data?: unknown) =>
  c.json(data === undefined ? { code, message } : { code, message, data }, status);

export function sameSecret(given: string | undefined, expected: string): boolean {
  const a = Buffer.from(given ?? '');
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function profileOf(state: CardState) {
  const { card } = state;
  const business = businessOf(card.taxCode);
  return {
    cardNumber: card.cardNumber,
    taxCode: card.taxCode,
    enterpriseName: business?.name,
    address: business?.address,
    legalRepresentative: business?.legalRepresentative,
    status: card.status,
    issueDate: card.issueDate,
    expiryDate: card.expiryDate,
  };
}

export function cardServiceRoutes(state: SimulatorState, credentials: SimulatorCredentials, received: Pick<ReceivedLedger<never, ReceivedCall>, 'record'>, lockAfter: number): Hono {
  const app = new Hono();

  app.use('*', async function checkApiKey(c, next) {
    if (!sameSecret(c.req.header('x-api-key'), credentials.cardApiKey)) {
      received.record({ service: 'card', path: c.req.path, refused: 'api key' });
      return envelope(c, 401, '41', 'API key không hợp lệ');
    }
    await next();
  });

  // Behind the API key like every call: a health check that passes says the key is accepted too.
  app.get('/v1/health', (c) => {
    received.record({ service: 'card', operation: 'health', requestId: c.req.header('x-request-id') });
    return envelope(c, 200, '00', 'Thành công', { status: 'UP', cards: state.cards.size });
  });

  app.get('/v1/cards/:cardNumber', (c) => {
    const cardNumber = c.req.param('cardNumber');
    received.record({ service: 'card', operation: 'card', cardNumber, requestId: c.req.header('x-request-id') });
    const card = state.cards.get(cardNumber);
    return card ? envelope(c, 200, '00', 'Thành công', profileOf(card)) : envelope(c, 404, '01', 'Không tìm thấy thẻ');
  });

  app.get('/v1/enterprises/:taxCode', (c) => {
    const taxCode = c.req.param('taxCode');
    received.record({ service: 'card', operation: 'enterprise', taxCode, requestId: c.req.header('x-request-id') });
    if (!normaliseTaxCode(taxCode)) return envelope(c, 400, '40', 'Mã số thuế không hợp lệ');
    const card = state.cardByTaxCode(taxCode);
    return card ? envelope(c, 200, '00', 'Thành công', profileOf(card)) : envelope(c, 404, '02', 'Không tìm thấy doanh nghiệp');
  });

  app.post('/v1/cards/:cardNumber/verify', async (c) => {
    const cardNumber = c.req.param('cardNumber');
    const body: unknown = await c.req.json().catch(() => undefined);
    const method = body !== null && typeof body === 'object' ? Reflect.get(body, 'method') : undefined;
    const value = body !== null && typeof body === 'object' ? Reflect.get(body, 'value') : undefined;
    // The PIN or code is never recorded.
    received.record({ service: 'card', operation: 'verify', cardNumber, method, requestId: c.req.header('x-request-id') });
    if ((method !== 'pin' && method !== 'otp') || typeof value !== 'string' || !/^\d{4,8}$/.test(value)) {
      return envelope(c, 400, '40', 'Yêu cầu không hợp lệ: method (pin|otp) và value (4-8 chữ số)');
    }
    const card = state.cards.get(cardNumber);
    if (!card) return envelope(c, 404, '01', 'Không tìm thấy thẻ');
    if (card.card.status !== 'ACTIVE') return envelope(c, 409, '13', 'Thẻ không còn hiệu lực');
    if (card.locked) return envelope(c, 423, '12', 'Thẻ đã bị khóa do nhập sai nhiều lần');
    const expected = method === 'pin' ? card.card.pin : card.otp;
    if (sameSecret(value, expected)) {
      card.failures = 0;
      if (method === 'otp') card.otp = newOtp();
      return envelope(c, 200, '00', 'Xác thực thành công', { verified: true });
    }
    card.failures += 1;
    if (card.failures >= lockAfter) {
      card.locked = true;
      return envelope(c, 423, '12', 'Thẻ đã bị khóa do nhập sai nhiều lần');
    }
    const code = method === 'pin' ? '10' : '11';
    return envelope(c, 200, code, method === 'pin' ? 'Mã PIN không đúng' : 'Mã OTP không đúng hoặc đã hết hạn', { verified: false, remainingAttempts: lockAfter - card.failures });
  });

  app.get('/v1/cards/:cardNumber/documents', (c) => {
    const cardNumber = c.req.param('cardNumber');
    received.record({ service: 'card', operation: 'documents', cardNumber, requestId: c.req.header('x-request-id') });
    const card = state.cards.get(cardNumber);
    if (!card) return envelope(c, 404, '01', 'Không tìm thấy thẻ');
    const base = new URL(c.req.url);
    const documents = card.card.documents.map((document) => ({
      id: document.id,
      type: document.type,
      title: document.title,
      issueDate: document.issueDate,
      sha256: document.sha256,
      url: new URL(`${base.pathname}/${encodeURIComponent(document.id)}/content`, base).href,
    }));
    return envelope(c, 200, '00', 'Thành công', { documents });
  });

  app.get('/v1/cards/:cardNumber/documents/:documentId/content', (c) => {
    const { cardNumber, documentId } = c.req.param();
    received.record({ service: 'card', operation: 'document', cardNumber, documentId, requestId: c.req.header('x-request-id') });
    const card = state.cards.get(cardNumber);
    if (!card) return envelope(c, 404, '01', 'Không tìm thấy thẻ');
    const document = card.card.documents.find((candidate) => candidate.id === documentId);
    if (!document) return envelope(c, 404, '03', 'Không tìm thấy tài liệu');
    let body = document.body;
    if (state.corrupted.has(`${cardNumber}\n${documentId}`)) {
      body = new Uint8Array(body);
      const middle = Math.floor(body.length / 2);
      body[middle] = (body[middle] ?? 0) ^ 0xff;
    }
    return c.body(new Uint8Array(body), 200, {
      'content-type': document.contentType,
      'content-disposition': `attachment; filename="${document.filename}"`,
    });
  });

  app.notFound((c) => envelope(c, 404, '40', 'Không có đường dẫn này'));
  return app;
}
