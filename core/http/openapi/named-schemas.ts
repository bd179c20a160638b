import type * as v from 'valibot';
import { agencyCode, isoDateTime } from '../../capabilities/define.ts';
import { ecardLookupInput, ecardVerifyInput } from '../../capabilities/ecard.ts';
import { emailAddress } from '../../capabilities/email.ts';
import { taxCode, vietnameseMobile } from '../../capabilities/identifiers.ts';
import type { JsonSchema } from './types.ts';

/** Field schemas shared by several operations: one component each, referenced wherever the field appears. */
export const NAMED_SCHEMAS = {
  AgencyCode: agencyCode,
  IsoDateTime: isoDateTime,
  VietnameseMobile: vietnameseMobile,
  TaxCode: taxCode,
  EmailAddress: emailAddress,
} satisfies Record<string, v.GenericSchema>;

export type NamedSchema = keyof typeof NAMED_SCHEMAS;

/** Separators a caller may put in a phone number or tax code; the gateway removes them before checking. */
const SEP = '[\\s.()-]*';

/**
 * What the document says of each beyond what valibot tells: the last two validate inside a `rawTransform`, which
 * JSON Schema cannot read, so their form is written here as a pattern (a necessary condition, exact up to the
 * carrier prefix and the check digit) and the rest in words.
 */
export const NAMED_SCHEMA_NOTES: Record<NamedSchema, JsonSchema> = {
  AgencyCode: {
    description: 'Agency identifier code (mã định danh) the request acts for; surrounding spaces are trimmed.',
    examples: ['000.00.01.H22'],
  },
  IsoDateTime: {
    description: 'ISO 8601 date-time with a time zone (Z or ±hh:mm); seconds and fractions optional; must be a real date.',
    examples: ['2026-11-21T09:30:00+07:00'],
  },
  VietnameseMobile: {
    type: 'string',
    description:
      'Vietnamese mobile number, e.g. 0981234567 or +84981234567 (also 84…, with spaces, dots, dashes or brackets); ' +
      'the first two digits after the national prefix must be a mobile carrier prefix. Normalised to 84XXXXXXXXX before queueing.',
    pattern: `^${SEP}(?:\\+${SEP}8${SEP}4|8${SEP}4|0)${SEP}(?:\\d${SEP}){9}$`,
    examples: ['0981234567', '+84981234567', '098 123 4567'],
  },
  TaxCode: {
    type: 'string',
    description:
      'Tax code (mã số thuế): 10 digits with a correct check digit, or a branch written XXXXXXXXXX-YYY (YYY not 000); ' +
      'spaces are ignored. Normalised to that form.',
    pattern: '^\\s*(?:\\d\\s*){10}(?:-?\\s*(?:\\d\\s*){3})?$',
    examples: ['0100233488', '0314409058-002'],
  },
  EmailAddress: {
    description:
      "E-mail address (RFC 5322 addr-spec): a dot-atom local part (any of its characters, e.g. o'brien or an+hoso) or " +
      'a quoted one ("an nguyen"), at most 64 characters before the @, then a domain name with a dot (an internationalised ' +
      'one in its xn-- form). Comments, domain literals and non-ASCII addresses are refused. Surrounding spaces are trimmed.',
    examples: ["o'brien@example.com", 'an.nguyen@so-tu-phap.hue.gov.vn'],
  },
};

/** Rules across fields that valibot states in a `check`, said again in JSON Schema's words. */
export const CROSS_FIELD_RULES = new Map<v.GenericSchema, JsonSchema>([
  [ecardLookupInput, { anyOf: [{ required: ['cardNumber'] }, { required: ['taxCode'] }] }],
  [ecardVerifyInput, { oneOf: [{ required: ['pin'] }, { required: ['otp'] }] }],
]);
