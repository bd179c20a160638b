/** `documents` and `document` with msw: the list read, and bytes handed on only with the listed SHA-256. */
import { createHash } from 'node:crypto';
import { HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { expectCapabilityOutput, useMswServer } from '../../core/sdk/testing.ts';
import { document, documents } from './documents.ts';
import plugin from './index.ts';
import { failure, testConfig, testContext } from './test-support/context.ts';
import { cardAnswering, envelope } from './test-support/msw-ecard.ts';

const server = useMswServer();
const agency = '000.00.01.H22';
const cardNumber = 'TTH-EC-000101';
const bytes = new Uint8Array(Buffer.from('%PDF-1.4\nGiay chung nhan dang ky doanh nghiep\n%%EOF\n', 'latin1'));
const sha256 = (body: Uint8Array) => createHash('sha256').update(body).digest('hex');

/** The card's list gives `listed` as the SHA-256; the content endpoint serves `served`. */
function provider(listed: string, served: Uint8Array) {
  return cardAnswering(server, (request) =>
    request.url.endsWith('/content')
      ? new HttpResponse(served, { headers: { 'content-type': 'application/pdf', 'content-disposition': 'attachment; filename="DKDN-1.pdf"' } })
      : envelope('00', { documents: [{ id: 'DKDN-1', type: 'business-registration', title: 'Giấy chứng nhận ĐKDN', issueDate: '2009-04-21', sha256: listed.toUpperCase(), url: 'https://ecard.test/d/1' }] }),
  );
}

describe('documents', () => {
  it("lists id, type, title, issue date and SHA-256 (lower case), never the service's own download link", async () => {
    provider(sha256(bytes), bytes);
    const listed = await documents({ agency, cardNumber }, testContext(testConfig()));
    expect(listed).toEqual({
      cardNumber,
      documents: [{ id: 'DKDN-1', type: 'business-registration', title: 'Giấy chứng nhận ĐKDN', issueDate: '2009-04-21', sha256: sha256(bytes) }],
    });
    expect(JSON.stringify(listed)).not.toContain('ecard.test');
    expectCapabilityOutput(plugin, 'documents', listed);
  });

  it('lists each document by the id that `document` takes as documentId', async () => {
    provider(sha256(bytes), bytes);
    const ctx = testContext(testConfig());
    const [entry] = (await documents({ agency, cardNumber }, ctx)).documents;
    expect(await document({ agency, cardNumber, documentId: entry?.id ?? '' }, ctx)).toMatchObject({ sha256: entry?.sha256 });
  });

  it('refuses a list entry without a proper SHA-256 as malformed', async () => {
    provider('abc', bytes);
    expect(await failure(documents({ agency, cardNumber }, testContext(testConfig())))).toMatchObject({ name: 'RetryableError', code: 'MALFORMED_ANSWER' });
  });
});

describe('document', () => {
  it('hands on bytes whose SHA-256 is the listed one', async () => {
    provider(sha256(bytes), bytes);
    const file = await document({ agency, cardNumber, documentId: 'DKDN-1' }, testContext(testConfig()));
    expect(file).toEqual({ contentType: 'application/pdf', filename: 'DKDN-1.pdf', sha256: sha256(bytes), body: bytes });
  });

  it('refuses corrupted bytes, after checking against a fresh list, and hands nothing on', async () => {
    const corrupted = new Uint8Array(bytes);
    corrupted[10] = (corrupted[10] ?? 0) ^ 0x01;
    const sent = provider(sha256(bytes), corrupted);
    const ctx = testContext(testConfig());
    await documents({ agency, cardNumber }, ctx);
    const error = await failure(document({ agency, cardNumber, documentId: 'DKDN-1' }, ctx));
    expect(error).toMatchObject({ name: 'RetryableError', code: 'HASH_MISMATCH' });
    // The list cached by `documents`, the bytes, then the list again before refusing.
    expect(sent.map((request) => request.url.pathname.split('/').pop())).toEqual(['documents', 'content', 'documents']);
  });

  it('accepts a document reissued since the list was cached', async () => {
    const reissued = new Uint8Array(Buffer.from('%PDF-1.4\nreissued\n%%EOF\n', 'latin1'));
    const ctx = testContext(testConfig());
    provider(sha256(bytes), bytes);
    await documents({ agency, cardNumber }, ctx);
    provider(sha256(reissued), reissued);
    expect((await document({ agency, cardNumber, documentId: 'DKDN-1' }, ctx)).sha256).toBe(sha256(reissued));
  });

  it('refuses as not found a document dropped from the card\'s list since it was cached', async () => {
    const ctx = testContext(testConfig());
    provider(sha256(bytes), bytes);
    await documents({ agency, cardNumber }, ctx);
    cardAnswering(server, (request) =>
      request.url.endsWith('/content') ? new HttpResponse(new Uint8Array([1, 2, 3]), { headers: { 'content-type': 'application/pdf' } }) : envelope('00', { documents: [] }),
    );
    expect(await failure(document({ agency, cardNumber, documentId: 'DKDN-1' }, ctx))).toMatchObject({ name: 'NotFoundError', code: 'NOT_FOUND' });
  });

  it('refuses a document the list does not have, without fetching bytes', async () => {
    const sent = provider(sha256(bytes), bytes);
    expect(await failure(document({ agency, cardNumber, documentId: 'DKDN-9' }, testContext(testConfig())))).toMatchObject({ name: 'NotFoundError', code: 'NOT_FOUND' });
    expect(sent.filter((request) => request.url.pathname.endsWith('/content'))).toEqual([]);
  });
});
