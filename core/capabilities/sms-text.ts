/**
 * SMS text, whichever provider sends it: Vietnamese diacritics removed for non-Unicode messages, which characters a
 * plain (GSM 7-bit) SMS can carry, and the segment count the agency pays for. GSM 7-bit: 160 septets in one SMS, 153 per part when concatenated; characters of the GSM extension table
 * (€ { } [ ] ~ ^ | \ and form feed) take two septets. Unicode (UCS-2): 70 code units in one SMS, 67 per part; a
 * character outside the BMP takes two. A character is never split across parts.
 */

/** The GSM 03.38 default alphabet (ESC left out: it is not text). */
const GSM_BASIC = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);
/** The extension table: each of these is sent as ESC + a septet. */
const GSM_EXTENSION = new Set('\f^{}\\[~]|€');

/** Typography that word processors put in text, replaced by what a GSM message can carry. */
const GSM_SUBSTITUTES: Record<string, string> = {
  '\u201C': '"', '\u201D': '"', '\u201E': '"', '\u00AB': '"', '\u00BB': '"',
  '\u2018': "'", '\u2019': "'", '\u201A': "'", '\u00B4': "'", '`': "'",
  '\u2013': '-', '\u2014': '-', '\u2212': '-',
  '\u2026': '...', '\u00A0': ' ', '\t': ' ', '\u2022': '-',
};

export const GSM_SINGLE = 160;
export const GSM_PART = 153;
export const UNICODE_SINGLE = 70;
export const UNICODE_PART = 67;

/** 'Hồ sơ của ông Đặng Văn Ấn' → 'Ho so cua ong Dang Van An': đ→d, Đ→D, and every combining mark after NFD. */
export function stripDiacritics(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').replace(/đ/g, 'd').replace(/Đ/g, 'D').normalize('NFC');
}

/** Printable ASCII and line breaks, less the backquote and tab (which have substitutes): nothing to change. */
const PLAIN_ASCII = /^[\x20-\x5F\x61-\x7E\n\r]*$/;

/** The text as a non-Unicode SMS carries it: diacritics removed, typographic punctuation made plain. */
export function toGsmText(text: string): string {
  // Most texts the one-stop software sends are already plain: normalising them twice cost about 5% of an accept.
  if (PLAIN_ASCII.test(text)) return text;
  return Array.from(stripDiacritics(text), (char) => GSM_SUBSTITUTES[char] ?? char).join('');
}

/** The text exactly as it is sent: without diacritics for a non-Unicode SMS, composed (NFC) for a Unicode one. */
export function smsText(input: { text: string; unicode: boolean }): string {
  return input.unicode ? input.text.normalize('NFC') : toGsmText(input.text);
}

/** Characters (as U+XXXX) that a GSM 7-bit message cannot carry; empty when the text is fine. */
export function nonGsmCharacters(text: string): string[] {
  const found = new Set<string>();
  for (const char of text) {
    if (!GSM_BASIC.has(char) && !GSM_EXTENSION.has(char)) found.add(codePoint(char));
  }
  return [...found];
}

/** Control characters and unpaired surrogates, which XML (and so SOAP) cannot carry at all. */
export function hasUnsendableCharacters(text: string): boolean {
  return /[\u0000-\u0008\u000B\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text);
}

/** How many SMS the text takes; 0 for an empty text. */
export function countSegments(text: string, unicode: boolean): number {
  const weights = Array.from(text, (char) => (unicode ? char.length : GSM_EXTENSION.has(char) ? 2 : 1));
  return unicode ? packParts(weights, UNICODE_SINGLE, UNICODE_PART) : packParts(weights, GSM_SINGLE, GSM_PART);
}

/** Fills parts greedily; a character that does not fit in what is left of a part starts the next one. */
function packParts(weights: number[], single: number, part: number): number {
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  if (total === 0) return 0;
  if (total <= single) return 1;
  let parts = 1;
  let used = 0;
  for (const weight of weights) {
    if (used + weight > part) {
      parts += 1;
      used = 0;
    }
    used += weight;
  }
  return parts;
}

function codePoint(char: string): string {
  return `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}
