import { maskAccount, maskText } from '../../audit/mask.ts';

/** Digit runs the text masking leaves alone (they are not shaped like a phone, card or identity number). */
const LONG_DIGIT_RUN = /(?<![\p{L}\p{N}_*])\d{9,}(?![\p{L}\p{N}_*])/gu;

/** Room past the limit so that a number cut by the first bound is masked whole before the final cut. */
const MARGIN = 32;

/**
 * What a provider said, fit for an error message or a log line: on one line, personal data masked as the audit
 * log masks it, and at most `maxLength` characters. A provider's text may also hold an account number without its
 * label: every other run of nine or more digits keeps only its last four.
 */
export function maskedExcerpt(text: string, maxLength = 300): string {
  const window = text.slice(0, 4 * (maxLength + MARGIN)).replace(/\s+/g, ' ').trim().slice(0, maxLength + MARGIN);
  const masked = maskText(window).replace(LONG_DIGIT_RUN, maskAccount);
  return masked.length > maxLength ? `${masked.slice(0, maxLength)}…` : masked;
}
