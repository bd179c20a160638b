/**
 * One e-card instance: the card service (no public spec: every path and field name is configurable, the defaults
 * being what the simulator speaks), the national business registry through NGSP as the fallback, and the caches.
 */
import * as v from 'valibot';
import { secret } from '../../core/plugin.ts';

function isHttpUrl(value: string): boolean {
  try {
    return /^https?:$/.test(new URL(value).protocol);
  } catch {
    return false;
  }
}

const httpUrl = (name: string) =>
  v.pipe(v.string(`${name} must be a string`), v.check(isHttpUrl, `${name} must be an absolute http or https URL`));

/** A required text field; messages name the field and never quote the input. */
const field = (name: string, max = 200) =>
  v.pipe(v.string(`${name} must be a string`), v.trim(), v.nonEmpty(`${name} must not be empty`), v.maxLength(max, `${name} is at most ${max} characters`));

const wholeNumber = (name: string, min: number, max: number) =>
  v.pipe(
    v.number(`${name} must be a number`),
    v.integer(`${name} must be a whole number`),
    v.minValue(min, `${name} must be at least ${min}`),
    v.maxValue(max, `${name} must be at most ${max}`),
  );

/** A path template below the base URL; `{name}` placeholders are filled in, URL-encoded. */
const pathTemplate = (name: string, fallback: string) =>
  v.optional(v.pipe(field(name), v.startsWith('/', `${name} must start with /`)), fallback);

/** Where a value sits in an answer: a dotted path (`Data.MainInformation.NAME`); through an array, its first item. */
const fieldPath = (name: string, fallback: string) => v.optional(v.pipe(field(name), v.regex(/^[^.\s]+(\.[^.\s]+)*$/, `${name} must be a dotted path`)), fallback);

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

const cardServiceSchema = v.object({
  baseUrl: httpUrl('card.baseUrl'),
  apiKey: secret(v.pipe(v.string(), v.nonEmpty('card.apiKey must not be empty'))),
  /** The header that carries the API key. Default `X-API-Key` (unconfirmed). */
  apiKeyHeader: v.optional(v.pipe(field('card.apiKeyHeader', 64), v.regex(/^[A-Za-z0-9-]+$/, 'card.apiKeyHeader must be a header name')), 'X-API-Key'),
  /** Per call. Default 5000 ms. */
  timeoutMs: v.optional(wholeNumber('card.timeoutMs', 1, 120_000), 5_000),
  /** A document larger than this is refused. Default 20 MiB. */
  maxDocumentBytes: v.optional(wholeNumber('card.maxDocumentBytes', 1, 200 * 1024 * 1024), 20 * 1024 * 1024),
  paths: v.optional(
    v.object({
      card: pathTemplate('card.paths.card', '/v1/cards/{cardNumber}'),
      enterprise: pathTemplate('card.paths.enterprise', '/v1/enterprises/{taxCode}'),
      verify: pathTemplate('card.paths.verify', '/v1/cards/{cardNumber}/verify'),
      documents: pathTemplate('card.paths.documents', '/v1/cards/{cardNumber}/documents'),
      document: pathTemplate('card.paths.document', '/v1/cards/{cardNumber}/documents/{documentId}/content'),
    }),
    {},
  ),
  /** Names in the service's JSON answers: the envelope, then paths inside `data`. */
  fields: v.optional(
    v.object({
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
      documentLink: fieldPath('card.fields.documentLink', 'url'),
    }),
    {},
  ),
});

const registrySchema = v.object({
  /** NGSP's OAuth2 token endpoint, e.g. `https://api.ngsp.gov.vn/token`. */
  tokenUrl: httpUrl('registry.tokenUrl'),
  /** The API base, e.g. `https://api.ngsp.gov.vn`; the look-up is `{baseUrl}{lookupPath}?msdn=…`. */
  baseUrl: httpUrl('registry.baseUrl'),
  lookupPath: pathTemplate('registry.lookupPath', '/apiCSDLDKDN/1.0/chiTietDoanhNghiep'),
  consumerKey: field('registry.consumerKey'),
  consumerSecret: secret(v.pipe(v.string(), v.nonEmpty('registry.consumerSecret must not be empty'))),
  timeoutMs: v.optional(wholeNumber('registry.timeoutMs', 1, 120_000), 5_000),
  /** A token is renewed this long before it expires. Default 60 s. */
  tokenMarginMs: v.optional(wholeNumber('registry.tokenMarginMs', 0, DAY), MINUTE),
  /** Paths in the look-up's answer; NAME and Representatives.FULL_NAME are known, the others seen in integrations. */
  fields: v.optional(
    v.object({
      taxCode: fieldPath('registry.fields.taxCode', 'Data.MainInformation.ENTERPRISE_GDT_CODE'),
      name: fieldPath('registry.fields.name', 'Data.MainInformation.NAME'),
      address: fieldPath('registry.fields.address', 'Data.HOAdress.AddressFullText'),
      legalRepresentative: fieldPath('registry.fields.legalRepresentative', 'Data.Representatives.FULL_NAME'),
      status: fieldPath('registry.fields.status', 'Data.MainInformation.ENTERPRISE_STATUS_NAME'),
    }),
    {},
  ),
});

const cacheSchema = v.object({
  /** A profile is answered from memory this long. 0 turns it off. Default 60 s. */
  lookupTtlMs: v.optional(wholeNumber('cache.lookupTtlMs', 0, DAY), MINUTE),
  /** When the provider is down, a profile up to this old (past its TTL) is answered with `stale: true`. Default 1 h. */
  staleIfErrorMs: v.optional(wholeNumber('cache.staleIfErrorMs', 0, 7 * DAY), 60 * MINUTE),
  /** A card's document list (the SHA-256 the bytes are checked against). Default 60 s. */
  documentsTtlMs: v.optional(wholeNumber('cache.documentsTtlMs', 0, DAY), MINUTE),
  /** PIN verifications (never one-time codes, never a lockout). Default 0: off. */
  verifyTtlMs: v.optional(wholeNumber('cache.verifyTtlMs', 0, DAY), 0),
  /** Per cache and instance; the oldest entries go first. Default 1000. */
  maxEntries: v.optional(wholeNumber('cache.maxEntries', 1, 1_000_000), 1_000),
});

export const ecardConfigSchema = v.object(
  {
    card: cardServiceSchema,
    /** Without it, a tax code the card service does not know is answered as not found. */
    registry: v.optional(registrySchema),
    cache: v.optional(cacheSchema, {}),
  },
  (issue) => {
    const key = issue.path?.[0]?.key;
    return typeof key === 'string' ? `${key} is required` : 'the ecard config must be an object';
  },
);

export type EcardConfig = v.InferOutput<typeof ecardConfigSchema>;
export type CardServiceConfig = EcardConfig['card'];
export type RegistryConfig = NonNullable<EcardConfig['registry']>;
export type CacheConfig = EcardConfig['cache'];
