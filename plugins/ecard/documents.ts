/**
 * `documents`: the card's e-documents. `document`: one document's bytes, handed on only when their SHA-256 is the
 * one the card's list gives. A list from the cache that disagrees is fetched again before the bytes are refused.
 */
import { createHash } from 'node:crypto';
import type * as v from 'valibot';
import type { ecardDocumentInput, ecardDocumentOutput, ecardDocumentsInput } from '../../core/capabilities/ecard.ts';
import { RetryableError, maskAccount } from '../../core/sdk/index.ts';
import { malformedAnswer } from './answer-codes.ts';
import { isoDateOf, textAt, valueAt } from './answer-fields.ts';
import { dataOf, fetchDocument, listDocuments } from './card-client.ts';
import type { CardServiceConfig } from './config.ts';
import { callsOf, notFound, type Calls, type EcardContext } from './context.ts';
import type { DocumentList } from './instance-state.ts';

type DocumentsInput = v.InferOutput<typeof ecardDocumentsInput>;
type DocumentInput = v.InferOutput<typeof ecardDocumentInput>;
type DocumentFile = v.InferOutput<typeof ecardDocumentOutput>;
type DocumentEntry = DocumentList['documents'][number];

const SHA256 = /^[0-9a-f]{64}$/;

export async function documents(input: DocumentsInput, ctx: EcardContext): Promise<DocumentList> {
  return (await documentList(callsOf(ctx), input.cardNumber, true)).list;
}

export async function document(input: DocumentInput, ctx: EcardContext): Promise<DocumentFile> {
  const calls = callsOf(ctx);
  const { cardNumber, documentId } = input;
  const about = `card service, document ${documentId} of card ${maskAccount(cardNumber)}`;
  let listed = await listedEntry(calls, input, true);
  // A document issued since the list was cached is not in it yet.
  if (!listed.entry && listed.cached) listed = await listedEntry(calls, input, false);
  if (!listed.entry) throw notFound(`${about}: not in the card's document list`);

  const file = await fetchDocument(calls.card, cardNumber, documentId);
  const sha256 = createHash('sha256').update(file.body).digest('hex');
  let expected: string | undefined = listed.entry.sha256;
  // The document may have been reissued since the list was cached.
  if (sha256 !== expected && listed.cached) expected = (await listedEntry(calls, input, false)).entry?.sha256;
  if (expected === undefined) throw notFound(`${about}: no longer in the card's document list`);
  if (sha256 !== expected) {
    ctx.log.warn({ documentId, bytes: file.body.length }, "refused a document whose SHA-256 is not the one in the card's list");
    throw new RetryableError(`${about}: the bytes received do not have the SHA-256 the card's document list gives; not handed on`, { code: 'HASH_MISMATCH' });
  }
  return { contentType: file.contentType, filename: file.filename ?? documentId, sha256, body: file.body };
}

async function listedEntry(calls: Calls, input: DocumentInput, useCache: boolean): Promise<{ entry: DocumentEntry | undefined; cached: boolean }> {
  const { list, cached } = await documentList(calls, input.cardNumber, useCache);
  return { entry: list.documents.find((candidate) => candidate.id === input.documentId), cached };
}

/** The card's list, from the cache when `useCache` and fresh, otherwise from the service (and cached). */
async function documentList(calls: Calls, cardNumber: string, useCache: boolean): Promise<{ list: DocumentList; cached: boolean }> {
  const cached = useCache ? calls.state.documents.fresh(cardNumber) : undefined;
  if (cached) return { list: cached, cached: true };
  const about = `card service, documents of card ${maskAccount(cardNumber)}`;
  const data = dataOf(await listDocuments(calls.card, cardNumber), about);
  const list = { cardNumber, documents: entriesOf(data, calls.card.config, about) };
  calls.state.documents.set(cardNumber, list);
  return { list, cached: false };
}

function entriesOf(data: unknown, config: CardServiceConfig, about: string): DocumentEntry[] {
  const { fields } = config;
  const items = valueAt(data, fields.documents);
  const list = Array.isArray(items) ? items : Array.isArray(data) ? data : undefined;
  if (!list) throw malformedAnswer(about, `no ${fields.documents} list`);
  return list.map((item: unknown, index) => {
    const id = textAt(item, fields.documentId);
    const sha256 = textAt(item, fields.documentSha256)?.toLowerCase();
    if (!id || !sha256 || !SHA256.test(sha256)) throw malformedAnswer(about, `document ${index + 1} lacks an id or a hex SHA-256`);
    const entry: DocumentEntry = { id, type: textAt(item, fields.documentType) ?? 'unknown', title: textAt(item, fields.documentTitle) ?? id, sha256 };
    // The service's own download link, if it gives one, stays here: the bytes come through `ecard/document`.
    const issueDate = isoDateOf(textAt(item, fields.documentIssueDate));
    if (issueDate) entry.issueDate = issueDate;
    return entry;
  });
}
