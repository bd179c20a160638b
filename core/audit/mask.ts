/**
 * Masking of personal data for anything an operator or a log sees. The full payload lives only in the message
 * record; views, logs and audit summaries get the masked copy.
 */

const SECRET_KEYS = /^(password|passwd|secret|token|apikey|api_key|privatekey|private_key|signature|pin|otp|authorization|clientsecret)$/i;
const PHONE_KEYS = /^(to|phone|phonenumber|mobile|msisdn|receiver|receiverid|userid|sodienthoai)$/i;
const ID_KEYS = /^(idnumber|citizenid|cccd|cmnd|sogiaytochuhoso|madoituong)$/i;
const NAME_KEYS = /^(name|fullname|applicantname|legalrepresentative|chuhoso|payername|full_name)$/i;
const ACCOUNT_KEYS = /^(account|accountnumber|accountno|cardnumber|bankaccount|custcode)$/i;

/** Keeps `head` leading and `tail` trailing characters of a value and stars the rest. */
export function keepEnds(value: string, head: number, tail: number): string {
  if (value.length <= head + tail) return '*'.repeat(value.length);
  return value.slice(0, head) + '*'.repeat(value.length - head - tail) + value.slice(value.length - tail);
}

/** "Nguyễn Văn An" → "N***** V** A*": enough for an operator to recognise, not to identify. */
export function maskName(name: string): string {
  return name.replace(/\p{L}+/gu, (word) => word[0] + '*'.repeat(word.length - 1));
}

/** Phone numbers and 12-digit identity numbers inside free text (an SMS body, an error message). */
export function maskText(text: string): string {
  return text
    .replace(/(?<!\d)(?:\+?84|0)\d{9}(?!\d)/g, (phone) => keepEnds(phone, 4, 3))
    .replace(/(?<!\d)\d{12}(?!\d)/g, (id) => keepEnds(id, 3, 3));
}

export function maskPersonalData(value: unknown, key = ''): unknown {
  if (Array.isArray(value)) return value.map((item) => maskPersonalData(item, key));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([name, item]) => [name, maskPersonalData(item, name)]));
  }
  if (SECRET_KEYS.test(key)) return '[redacted]';
  if (typeof value === 'number' && (PHONE_KEYS.test(key) || ID_KEYS.test(key) || ACCOUNT_KEYS.test(key))) {
    return maskPersonalData(String(value), key);
  }
  if (typeof value !== 'string') return value;
  if (PHONE_KEYS.test(key)) return keepEnds(value, 4, 3);
  if (ID_KEYS.test(key)) return keepEnds(value, 3, 3);
  if (ACCOUNT_KEYS.test(key)) return keepEnds(value, 0, 4);
  if (NAME_KEYS.test(key)) return maskName(value);
  return maskText(value);
}
