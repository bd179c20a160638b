/** What the card-service client sends (paths, API key header, request id, bodies) and how it reads what it gets. */
import { HttpResponse, delay } from 'msw';
import { describe, expect, it } from 'vitest';
import { useMswServer } from '../../core/sdk/testing.ts';
import { Secret } from '../../core/sdk/index.ts';
import { cardProfile, enterpriseProfile, fetchDocument, filenameOf, listDocuments, verifyHolder, type CardCall } from './card-client.ts';
import { lookup } from './lookup.ts';
import type { EcardConfig } from './config.ts';
import { CARD_BASE, credentials, failure, testConfig, testContext } from './test-support/context.ts';
import { cardAnswering, cardData, envelope } from './test-support/msw-ecard.ts';

const server = useMswServer();

function call(config: EcardConfig = testConfig()): CardCall {
  const ctx = testContext(config);
  return { config: config.card, http: ctx.http, signal: ctx.signal, requestId: 'msg_01CARD' };
}

describe('requests', () => {
  it('sends each call to its path with the API key, the request id and an encoded parameter', async () => {
    const sent = cardAnswering(server, () => envelope('00', cardData()));
    await cardProfile(call(), 'TTH EC/1');
    await enterpriseProfile(call(), '0314409058-002');
    await listDocuments(call(), 'TTH-EC-000101');
    expect(sent.map((request) => `${request.method} ${request.url.pathname}`)).toEqual([
      'GET /api/v1/cards/TTH%20EC%2F1',
      'GET /api/v1/enterprises/0314409058-002',
      'GET /api/v1/cards/TTH-EC-000101/documents',
    ]);
    for (const request of sent) {
      expect(request.headers.get('x-api-key')).toBe(credentials.cardApiKey);
      expect(request.headers.get('x-request-id')).toBe('msg_01CARD');
    }
  });

  it('posts a verification as JSON with the method and value', async () => {
    const sent = cardAnswering(server, () => envelope('00', { verified: true }));
    await verifyHolder(call(), 'TTH-EC-000101', 'otp', '123456');
    expect(sent[0]?.url.pathname).toBe('/api/v1/cards/TTH-EC-000101/verify');
    expect(sent[0]?.headers.get('content-type')).toContain('application/json');
    expect(sent[0]?.json).toEqual({ method: 'otp', value: '123456' });
  });

  it('follows configured paths, header name and field names', async () => {
    const config = testConfig({
      card: {
        apiKeyHeader: 'Authorization-Key',
        paths: { enterprise: '/doanhnghiep/tracuu/{taxCode}' },
        fields: { code: 'maLoi', data: 'duLieu', name: 'thongTin.tenDoanhNghiep', taxCode: 'thongTin.maSoThue', status: 'trangThai', issueDate: 'ngayCap' },
      },
    });
    const sent = cardAnswering(server, () =>
      HttpResponse.json({ maLoi: '00', duLieu: { thongTin: { tenDoanhNghiep: 'Công ty X', maSoThue: '0314409058' }, trangThai: 'ACTIVE', ngayCap: '20250102' } }),
    );
    const profile = await lookup({ agency: '000.00.01.H22', taxCode: '0314409058' }, testContext(config));
    expect(profile).toEqual({ source: 'ecard', taxCode: '0314409058', name: 'Công ty X', status: 'active', issueDate: '2025-01-02' });
    expect(sent[0]?.url.pathname).toBe('/api/doanhnghiep/tracuu/0314409058');
    expect(sent[0]?.headers.get('authorization-key')).toBe(credentials.cardApiKey);
    expect(sent[0]?.headers.get('x-api-key')).toBeNull();
  });
});

describe('failures', () => {
  it('gives up after card.timeoutMs with a retryable error', async () => {
    cardAnswering(server, async () => {
      await delay(2_000);
      return envelope('00', cardData());
    });
    const error = await failure(cardProfile(call(testConfig({ card: { timeoutMs: 50 } })), 'TTH-EC-000101'));
    expect(error).toMatchObject({ name: 'RetryableError' });
  });

  it('takes a connection failure as retryable and never shows the API key', async () => {
    cardAnswering(server, () => HttpResponse.error());
    const error = await failure(cardProfile(call(), 'TTH-EC-000101'));
    expect(error.name).toBe('RetryableError');
    expect(`${error.message}${error.stack ?? ''}`).not.toContain(credentials.cardApiKey);
  });

  it('refuses a profile without tax code, name or status as malformed', async () => {
    cardAnswering(server, () => envelope('00', cardData({ enterpriseName: '' })));
    expect(await failure(lookup({ agency: '000.00.01.H22', cardNumber: 'TTH-EC-000101' }, testContext(testConfig())))).toMatchObject({ code: 'MALFORMED_ANSWER' });
  });

  it('leaves out a date it cannot read instead of failing the look-up', async () => {
    cardAnswering(server, () => envelope('00', cardData({ issueDate: '31/02/2024', expiryDate: 'soon' })));
    const profile = await lookup({ agency: '000.00.01.H22', cardNumber: 'TTH-EC-000101' }, testContext(testConfig()));
    expect(profile.issueDate).toBeUndefined();
    expect(profile.expiryDate).toBeUndefined();
  });

  it('uses a placeholder the call cannot fill as a config error', async () => {
    const config = testConfig({ card: { paths: { card: '/cards/{cardNo}' } } });
    expect(await failure(cardProfile(call(config), 'TTH-EC-000101'))).toMatchObject({ name: 'PermanentError', code: 'CONFIG' });
  });
});

describe('documents', () => {
  it('reads the bytes, the content type and the filename; a JSON error answer by its code', async () => {
    const bytes = new Uint8Array([37, 80, 68, 70, 0, 255, 1]);
    cardAnswering(server, (request) =>
      request.url.endsWith('/content')
        ? new HttpResponse(bytes, { headers: { 'content-type': 'application/pdf', 'content-disposition': "attachment; filename=\"x.pdf\"; filename*=UTF-8''Gi%E1%BA%A5y%20ph%C3%A9p.pdf" } })
        : envelope('00'),
    );
    const file = await fetchDocument(call(), 'TTH-EC-000101', 'DOC-1');
    expect([...file.body]).toEqual([...bytes]);
    expect(file).toMatchObject({ contentType: 'application/pdf', filename: 'Giấy phép.pdf' });

    cardAnswering(server, () => envelope('03', undefined, 404));
    expect(await failure(fetchDocument(call(), 'TTH-EC-000101', 'DOC-9'))).toMatchObject({ name: 'NotFoundError', code: 'CARD_03' });
    cardAnswering(server, () => envelope('01', undefined, 404));
    expect(await failure(fetchDocument(call(), 'TTH-EC-000109', 'DOC-9'))).toMatchObject({ name: 'NotFoundError', code: 'CARD_01' });
    cardAnswering(server, () => envelope('00', { status: 'UP' }));
    expect(await failure(fetchDocument(call(), 'TTH-EC-000101', 'DOC-1'))).toMatchObject({ name: 'RetryableError', code: 'MALFORMED_ANSWER' });
  });

  it('refuses a document over card.maxDocumentBytes permanently', async () => {
    cardAnswering(server, () => new HttpResponse(new Uint8Array(4096), { headers: { 'content-type': 'application/pdf' } }));
    const error = await failure(fetchDocument(call(testConfig({ card: { maxDocumentBytes: 1024 } })), 'TTH-EC-000101', 'DOC-1'));
    expect(error).toMatchObject({ name: 'PermanentError', code: 'DOCUMENT_TOO_LARGE' });
  });

  it('reads both forms of Content-Disposition', () => {
    expect(filenameOf('attachment; filename="a b.pdf"')).toBe('a b.pdf');
    expect(filenameOf('attachment; filename=plain.xml')).toBe('plain.xml');
    expect(filenameOf("attachment; filename*=UTF-8''%E1%BA%A0.pdf")).toBe('Ạ.pdf');
    expect(filenameOf(undefined)).toBeUndefined();
  });
});

it('holds the API key and the consumer secret as Secrets: the config prints without them', () => {
  const config = testConfig();
  const printed = JSON.stringify(config);
  expect(printed).not.toContain(credentials.cardApiKey);
  expect(printed).not.toContain(credentials.registrySecret);
  expect(config.card.apiKey).toBeInstanceOf(Secret);
  expect(config.card.baseUrl).toBe(CARD_BASE);
});
