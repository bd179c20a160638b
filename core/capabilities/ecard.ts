import * as v from 'valibot';
import { agencyCode, defineCapability, defineOperation, text } from './define.ts';
import { taxCode } from './identifiers.ts';

const cardNumber = v.pipe(v.string(), v.trim(), v.regex(/^[0-9A-Za-z-]{6,32}$/, 'must be a card number: 6 to 32 letters, digits or dashes'));
const isoDate = v.pipe(v.string(), v.isoDate('expected a date as YYYY-MM-DD'));

export const ecardLookupInput = v.pipe(
  v.object({ agency: agencyCode, cardNumber: v.optional(cardNumber), taxCode: v.optional(taxCode) }),
  v.forward(
    v.check((input) => input.cardNumber !== undefined || input.taxCode !== undefined, 'give cardNumber or taxCode'),
    ['cardNumber'],
  ),
);

export const enterpriseProfile = v.object({
  /** Which service answered: the card service, or the national business registry as a fallback. */
  source: v.picklist(['ecard', 'registry']),
  /** True when the provider was down and a cached profile is returned. */
  stale: v.optional(v.boolean()),
  cardNumber: v.optional(v.string()),
  taxCode: v.string(),
  name: v.string(),
  address: v.optional(v.string()),
  legalRepresentative: v.optional(v.string()),
  status: v.string(),
  issueDate: v.optional(isoDate),
  expiryDate: v.optional(isoDate),
});

export const ecardVerifyInput = v.pipe(
  v.object({
    agency: agencyCode,
    cardNumber,
    pin: v.optional(v.pipe(v.string(), v.regex(/^\d{4,8}$/, 'must be a PIN of 4 to 8 digits'))),
    otp: v.optional(v.pipe(v.string(), v.regex(/^\d{4,8}$/, 'must be a one-time code of 4 to 8 digits'))),
  }),
  v.forward(
    v.check((input) => (input.pin === undefined) !== (input.otp === undefined), 'give exactly one of pin or otp'),
    ['pin'],
  ),
);

export const ecardVerifyOutput = v.object({
  verified: v.boolean(),
  /** The provider locked the card after repeated failures. */
  locked: v.boolean(),
  remainingAttempts: v.optional(v.number()),
});

/**
 * One of a card's documents. Its bytes come through the gateway's own `ecard/document` with this `id` as
 * `documentId`; the card service's download link is internal to the provider and never answered.
 */
export const ecardDocument = v.object({
  id: v.pipe(v.string(), v.description('Pass it as `documentId` to `POST /v1/ecard/document` to get the bytes.')),
  type: v.string(),
  title: v.string(),
  issueDate: v.optional(isoDate),
  sha256: v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/)),
});

export const ecardDocumentsInput = v.object({ agency: agencyCode, cardNumber });
export const ecardDocumentsOutput = v.pipe(
  v.object({ cardNumber: v.string(), documents: v.array(ecardDocument) }),
  v.description("The card's documents; each one's bytes through `POST /v1/ecard/document` with its `id` as `documentId`."),
);

export const ecardDocumentInput = v.object({ agency: agencyCode, cardNumber, documentId: text(64) });

/** A file: its bytes are checked against the SHA-256 of the card's document list before they are handed on. */
export const ecardDocumentOutput = v.object({
  contentType: v.string(),
  filename: v.optional(v.string()),
  sha256: v.string(),
  body: v.instance(Uint8Array),
});

export const ecard = defineCapability({
  summary: "Enterprise e-card: a business's verified profile and documents",
  operations: {
    lookup: defineOperation({
      mode: 'sync',
      summary: 'Enterprise profile by card number or tax code',
      input: ecardLookupInput,
      output: enterpriseProfile,
    }),
    verify: defineOperation({
      mode: 'sync',
      summary: 'Verify a card holder by PIN or one-time code',
      input: ecardVerifyInput,
      output: ecardVerifyOutput,
    }),
    documents: defineOperation({
      mode: 'sync',
      summary: "The card's electronic documents",
      input: ecardDocumentsInput,
      output: ecardDocumentsOutput,
    }),
    document: defineOperation({
      mode: 'sync',
      summary: "One document's bytes, checked against its SHA-256",
      input: ecardDocumentInput,
      output: ecardDocumentOutput,
      binary: true,
    }),
  },
});
