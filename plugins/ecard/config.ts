/**
 * One e-card instance: the card service (no public spec: every path and field name is configurable, the defaults
 * being what the simulator speaks), the national business registry through NGSP as the fallback, and the caches.
 */
import * as v from 'valibot';
import { httpUrlField, instanceConfig, pathField, secret, textField, wholeNumberField } from '../../core/sdk/index.ts';

/** A nested part of the config: a missing field is named with its section, e.g. `card.baseUrl is required`. */
function section<const Entries extends v.ObjectEntries>(name: string, entries: Entries) {
  return v.object(entries, (issue) => {
    const key = issue.path?.[0]?.key;
    return typeof key === 'string' ? `${name}.${key} is required` : `${name} must be an object`;
  });
}

const secretField = (name: string) => secret(v.pipe(v.string(), v.nonEmpty(`${name} must not be empty`)));

/** A path template below the base URL; `{name}` placeholders are filled in, URL-encoded. */
const pathTemplate = (name: string, fallback: string) => v.optional(pathField(name), fallback);

/** Where a value sits in an answer: a dotted path (`Data.MainInformation.NAME`); through an array, its first item. */
const fieldPath = (name: string, fallback: string) =>
  v.optional(v.pipe(textField(name), v.regex(/^[^.\s]+(\.[^.\s]+)*$/, `${name} must be a dotted path`)), fallback);

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

const cardServiceSchema = section('card', {
  baseUrl: httpUrlField('card.baseUrl', 'https://ecard.example.vn/api'),
  apiKey: secretField('card.apiKey'),
  /** The header that carries the API key. Default `X-API-Key` (unconfirmed). */
  apiKeyHeader: v.optional(v.pipe(textField('card.apiKeyHeader', 64), v.regex(/^[A-Za-z0-9-]+$/, 'card.apiKeyHeader must be a header name')), 'X-API-Key'),
  /**
   * Per call. Default 5000 ms. Keep it well below the instance's delivery timeout (default 15 s): a hanging service
   * must fail the call here, while a stale profile can still be answered, not be cut off by the gateway.
   */
  timeoutMs: v.optional(wholeNumberField('card.timeoutMs', 1, 120_000), 5_000),
  /** A document larger than this is refused. Default 20 MiB. */
  maxDocumentBytes: v.optional(wholeNumberField('card.maxDocumentBytes', 1, 200 * 1024 * 1024), 20 * 1024 * 1024),
  paths: v.optional(
    section('card.paths', {
      card: pathTemplate('card.paths.card', '/v1/cards/{cardNumber}'),
      enterprise: pathTemplate('card.paths.enterprise', '/v1/enterprises/{taxCode}'),
      verify: pathTemplate('card.paths.verify', '/v1/cards/{cardNumber}/verify'),
      documents: pathTemplate('card.paths.documents', '/v1/cards/{cardNumber}/documents'),
      document: pathTemplate('card.paths.document', '/v1/cards/{cardNumber}/documents/{documentId}/content'),
      /** The operator's health check: an envelope with the success code. Unconfirmed: the simulator's path. */
      health: pathTemplate('card.paths.health', '/v1/health'),
    }),
    {},
  ),
  /** Names in the service's JSON answers: the envelope, then paths inside `data`. */
  fields: v.optional(
    section('card.fields', {
      code: fieldPath('card.fields.code', 'code'),
      message: fieldPath('card.fields.message', 'message'),
      data: fieldPath('card.fields.data', 'data'),
      cardNumber: fieldPath('card.fields.cardNumber', 'cardNumber'),
      taxCode: fieldPath('card.fields.taxCode', 'taxCode'),
      name: fieldPath('card.fields.name', 'enterpriseName'),
      address: fieldPath('card.fields.address', 'address'),
      legalRepresentative: fieldPath('card.fields.legalRepresentative', 'legalRepresentative'),
      status: fieldPath('card.fields.status', 'status'),
      issueDate: fieldPath('card.fields.issueDate', 'issueDate'),
      expiryDate: fieldPath('card.fields.expiryDate', 'expiryDate'),
      verified: fieldPath('card.fields.verified', 'verified'),
      remainingAttempts: fieldPath('card.fields.remainingAttempts', 'remainingAttempts'),
      documents: fieldPath('card.fields.documents', 'documents'),
      documentId: fieldPath('card.fields.documentId', 'id'),
      documentType: fieldPath('card.fields.documentType', 'type'),
      documentTitle: fieldPath('card.fields.documentTitle', 'title'),
      documentIssueDate: fieldPath('card.fields.documentIssueDate', 'issueDate'),
      documentSha256: fieldPath('card.fields.documentSha256', 'sha256'),
    }),
    {},
  ),
});

const registrySchema = section('registry', {
  /** NGSP's OAuth2 token endpoint, e.g. `https://api.ngsp.gov.vn/token`. */
  tokenUrl: httpUrlField('registry.tokenUrl', 'https://api.ngsp.gov.vn/token'),
  /** The API base, e.g. `https://api.ngsp.gov.vn`; the look-up is `{baseUrl}{lookupPath}?msdn=…`. */
  baseUrl: httpUrlField('registry.baseUrl', 'https://api.ngsp.gov.vn'),
  lookupPath: pathTemplate('registry.lookupPath', '/apiCSDLDKDN/1.0/chiTietDoanhNghiep'),
  consumerKey: textField('registry.consumerKey'),
  consumerSecret: secretField('registry.consumerSecret'),
  timeoutMs: v.optional(wholeNumberField('registry.timeoutMs', 1, 120_000), 5_000),
  /** A token is renewed this long before it expires. Default 60 s. */
  tokenMarginMs: v.optional(wholeNumberField('registry.tokenMarginMs', 0, DAY), MINUTE),
  /** Paths in the look-up's answer; NAME and Representatives.FULL_NAME are known, the others seen in integrations. */
  fields: v.optional(
    section('registry.fields', {
      taxCode: fieldPath('registry.fields.taxCode', 'Data.MainInformation.ENTERPRISE_GDT_CODE'),
      name: fieldPath('registry.fields.name', 'Data.MainInformation.NAME'),
      address: fieldPath('registry.fields.address', 'Data.HOAdress.AddressFullText'),
      legalRepresentative: fieldPath('registry.fields.legalRepresentative', 'Data.Representatives.FULL_NAME'),
      status: fieldPath('registry.fields.status', 'Data.MainInformation.ENTERPRISE_STATUS_NAME'),
    }),
    {},
  ),
});

const cacheSchema = section('cache', {
  /** A profile is answered from memory this long. 0 turns it off. Default 60 s. */
  lookupTtlMs: v.optional(wholeNumberField('cache.lookupTtlMs', 0, DAY), MINUTE),
  /** When the provider is down, a profile up to this old (past its TTL) is answered with `stale: true`. Default 1 h. */
  staleIfErrorMs: v.optional(wholeNumberField('cache.staleIfErrorMs', 0, 7 * DAY), 60 * MINUTE),
  /** A card's document list (the SHA-256 the bytes are checked against). Default 60 s. */
  documentsTtlMs: v.optional(wholeNumberField('cache.documentsTtlMs', 0, DAY), MINUTE),
  /** A successful PIN verification (never a one-time code, never a failure). Default 0: off. */
  verifyTtlMs: v.optional(wholeNumberField('cache.verifyTtlMs', 0, DAY), 0),
  /** Per cache and instance; the oldest entries go first. Default 1000. */
  maxEntries: v.optional(wholeNumberField('cache.maxEntries', 1, 1_000_000), 1_000),
});

export const ecardConfigSchema = instanceConfig('ecard', {
  card: cardServiceSchema,
  /** Without it, a tax code the card service does not know is answered as not found. */
  registry: v.optional(registrySchema),
  cache: v.optional(cacheSchema, {}),
});

export type EcardConfig = v.InferOutput<typeof ecardConfigSchema>;
export type CardServiceConfig = EcardConfig['card'];
export type RegistryConfig = NonNullable<EcardConfig['registry']>;
