/**
 * The card service's REST+JSON client. The service has no public specification: each call is a path template from
 * the config, the API key goes in a configurable header, and every JSON answer is an envelope
 * `{ code, message, data }` (names configurable) whose code ANSWER_CODES reads.
 */
import type { AxiosInstance, AxiosResponse } from 'axios';
import * as v from 'valibot';
import { NotFoundError, PermanentError, maskAccount, parseRetryAfter, requestJson } from '../../core/sdk/index.ts';
import { errorFor, findAnswer, httpRow, malformedAnswer, unknownCode, type Verdict } from './answer-codes.ts';
import { valueAt } from './answer-fields.ts';
import type { CardServiceConfig } from './config.ts';

export interface CardCall {
  config: CardServiceConfig;
  http: AxiosInstance;
  signal: AbortSignal;
  /** Sent as X-Request-Id, so the provider's logs can be matched with the gateway's. */
  requestId: string;
}

/** An answer the operation acts on; answers that end the call were thrown as errors. */
export interface CardAnswer {
  verdict: Extract<Verdict, 'ok' | 'not-found' | 'wrong-secret' | 'locked'>;
  code: string;
  /** The envelope's `data`, still unchecked. */
  data: unknown;
}

export interface DocumentBytes {
  body: Uint8Array<ArrayBuffer>;
  contentType: string;
  filename: string | undefined;
}

type PathName = keyof CardServiceConfig['paths'];

export function cardUrl(config: CardServiceConfig, path: PathName, params: Record<string, string>): string {
  const filled = config.paths[path].replace(/\{(\w+)\}/g, (placeholder, name: string) => {
    const value = params[name];
    if (value === undefined) throw new PermanentError(`card.paths.${path} has a placeholder ${placeholder} this call cannot fill`, { code: 'CONFIG' });
    return encodeURIComponent(value);
  });
  return `${config.baseUrl.replace(/\/+$/, '')}${filled}`;
}

function headers(call: CardCall): Record<string, string> {
  return { [call.config.apiKeyHeader]: call.config.apiKey.reveal(), 'x-request-id': call.requestId };
}

/** Reads the envelope: a known code decides; without one, the HTTP status does. */
export function cardAnswerOf(response: Pick<AxiosResponse, 'status' | 'data' | 'headers'>, config: CardServiceConfig, about: string): CardAnswer {
  const body: unknown = response.data;
  const rawCode = body !== null && typeof body === 'object' ? valueAt(body, config.fields.code) : undefined;
  const retryAfterMs = parseRetryAfter(response.headers['retry-after']);
  if (typeof rawCode === 'string' || typeof rawCode === 'number') {
    const code = String(rawCode).trim();
    const row = findAnswer('card', code);
    if (!row) throw unknownCode(about, 'card', code);
    if (row.verdict === 'ok' || row.verdict === 'not-found' || row.verdict === 'wrong-secret' || row.verdict === 'locked') {
      return { verdict: row.verdict, code, data: valueAt(body, config.fields.data) };
    }
    throw errorFor(row, about, retryAfterMs);
  }
  if (response.status >= 200 && response.status < 300) throw malformedAnswer(about, `no ${config.fields.code} in a JSON envelope`);
  throw errorFor(httpRow(response.status), `${about} (HTTP ${response.status})`, retryAfterMs);
}

/** The service does not know the card, tax code or document: a sync call answers 404. */
export function notKnown(answer: CardAnswer, about: string): NotFoundError {
  return new NotFoundError(`${about}: ${findAnswer('card', answer.code)?.meaning ?? 'not found'}`, { code: `CARD_${answer.code}` });
}

/** The answer's data when it carries what was asked. */
export function dataOf(answer: CardAnswer, about: string): unknown {
  if (answer.verdict === 'ok') return answer.data;
  if (answer.verdict === 'not-found') throw notKnown(answer, about);
  throw malformedAnswer(about, `code ${answer.code} (${findAnswer('card', answer.code)?.meaning ?? 'unknown'}) where it makes no sense`);
}

/** One call whose answer is the service's envelope, whatever the status: its code is read by `cardAnswerOf`. */
async function callCard(call: CardCall, url: string, about: string, body?: unknown): Promise<CardAnswer> {
  const response = await requestJson(call.http, {
    url,
    body,
    headers: headers(call),
    // Paths and field names are the instance's config: the envelope is read at those paths, not by a fixed schema.
    answer: v.unknown(),
    // The service says "not found" or "wrong PIN" with an error status too: every body is its envelope.
    errorAnswer: (failure) => failure.body,
    signal: call.signal,
    timeoutMs: call.config.timeoutMs,
  });
  return cardAnswerOf({ status: response.status, data: response.answer, headers: response.headers }, call.config, about);
}

export async function cardProfile(call: CardCall, cardNumber: string): Promise<CardAnswer> {
  return callCard(call, cardUrl(call.config, 'card', { cardNumber }), `card service, card ${maskAccount(cardNumber)}`);
}

export async function enterpriseProfile(call: CardCall, taxCode: string): Promise<CardAnswer> {
  return callCard(call, cardUrl(call.config, 'enterprise', { taxCode }), `card service, tax code ${taxCode}`);
}

export async function listDocuments(call: CardCall, cardNumber: string): Promise<CardAnswer> {
  return callCard(call, cardUrl(call.config, 'documents', { cardNumber }), `card service, documents of card ${maskAccount(cardNumber)}`);
}

/** The operator's health check: the service answers its health path with the success code. */
export async function pingCardService(call: CardCall): Promise<void> {
  const about = 'card service, health check';
  dataOf(await callCard(call, cardUrl(call.config, 'health', {}), about), about);
}

/** Verifies a card holder: `method` says whether `value` is the PIN or a one-time code. */
export async function verifyHolder(call: CardCall, cardNumber: string, method: 'pin' | 'otp', value: string): Promise<CardAnswer> {
  return callCard(call, cardUrl(call.config, 'verify', { cardNumber }), `card service, verification of card ${maskAccount(cardNumber)}`, { method, value });
}

/** One document's bytes as the service sends them; the caller checks them against the list's SHA-256. */
export async function fetchDocument(call: CardCall, cardNumber: string, documentId: string): Promise<DocumentBytes> {
  const about = `card service, document ${documentId} of card ${maskAccount(cardNumber)}`;
  let response: AxiosResponse<ArrayBuffer | Uint8Array>;
  try {
    response = await call.http.get<ArrayBuffer | Uint8Array>(cardUrl(call.config, 'document', { cardNumber, documentId }), {
      headers: { ...headers(call), accept: '*/*' },
      signal: call.signal,
      timeout: call.config.timeoutMs,
      responseType: 'arraybuffer',
      maxContentLength: call.config.maxDocumentBytes,
      validateStatus: () => true,
    });
  } catch (error) {
    // Named in the card's own terms: the gateway's client says RESPONSE_TOO_LARGE for a body over maxContentLength.
    if (error instanceof PermanentError && error.code === 'RESPONSE_TOO_LARGE') {
      throw new PermanentError(`${about}: larger than card.maxDocumentBytes (${call.config.maxDocumentBytes} bytes)`, { code: 'DOCUMENT_TOO_LARGE' });
    }
    throw error;
  }
  const body = ownedBytes(response.data);
  const contentType = String(response.headers['content-type'] ?? 'application/octet-stream');
  if (response.status !== 200 || /^application\/(problem\+)?json\b/i.test(contentType)) {
    // An error (or an envelope where bytes were expected) is read as JSON: its code says what happened.
    dataOf(cardAnswerOf({ ...response, data: jsonOf(body) }, call.config, about), about);
    throw malformedAnswer(about, 'a JSON answer where the document was expected');
  }
  return { body, contentType, filename: filenameOf(response.headers['content-disposition']) };
}

/**
 * The bytes without another copy of a large document: axios hands a Buffer over its own memory, which is kept as it
 * is; a Buffer that shares its memory (a small one from Node's pool) is copied, so nothing else rides along.
 */
function ownedBytes(data: ArrayBuffer | Uint8Array): Uint8Array<ArrayBuffer> {
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  const { buffer } = data;
  if (buffer instanceof ArrayBuffer && data.byteOffset === 0 && data.byteLength === buffer.byteLength) return new Uint8Array(buffer);
  return new Uint8Array(data);
}

function jsonOf(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    return undefined;
  }
}

/** The filename of `attachment; filename="x.pdf"` or RFC 5987's `filename*=UTF-8''x.pdf` (preferred). */
export function filenameOf(disposition: unknown): string | undefined {
  if (typeof disposition !== 'string') return undefined;
  const extended = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(disposition);
  if (extended?.[1]) {
    try {
      return decodeURIComponent(extended[1].trim());
    } catch {
      // Malformed escapes: fall back to the plain parameter.
    }
  }
  const plain = /filename\s*=\s*(?:"([^"]*)"|([^;\s]+))/i.exec(disposition);
  const name = plain?.[1] ?? plain?.[2];
  return name ? name.trim() : undefined;
}
