/**
 * Masking of personal data for anything an operator or a log sees. The full payload lives only in the message
 * record; views, logs and audit summaries get the masked copy. Two kinds of masking:
 * - by field name (`maskPersonalData`, `maskField`): phone, identity, account, name, e-mail and address fields,
 *   secrets removed;
 * - in free text (`maskText`): what an error message, an SMS text or a provider's answer may hold — phone numbers,
 *   12-digit identity numbers, card numbers, e-mail addresses, labelled account and identity numbers, names after a
 *   title, addresses after their label, and secrets written as `Bearer …`, `<Password>…</Password>`, `password=…`
 *   or `"password":"…"`. Words that are not personal data (CCCD, MST, "hồ sơ", dossier codes) stay as written.
 */
import { KEPT_WORD } from './mask-words.ts';

type FieldKind = 'secret' | 'phone' | 'id' | 'account' | 'name' | 'email' | 'address';

/** Field names compare lower-case without `_` and `-`: `full_name`, `fullName` and `FullName` are one name. */
const normalise = (key: string) => key.toLowerCase().replace(/[_-]/g, '');

const FIELD_NAMES: Record<FieldKind, string[]> = {
  secret: [
    'password', 'passwd', 'pwd', 'passphrase', 'secret', 'clientSecret', 'token', 'accessToken', 'refreshToken', 'apiKey', 'xApiKey',
    'privateKey', 'secretKey', 'dataKey', 'auditKey', 'signature', 'webhookSignature', 'pin', 'otp', 'authorization',
    'proxyAuthorization', 'cookie', 'setCookie',
  ],
  phone: ['to', 'phone', 'phoneNumber', 'mobile', 'msisdn', 'tel', 'telephone', 'receiver', 'receiverId', 'userId', 'sdt', 'soDienThoai', 'dienThoai'],
  id: ['idNumber', 'citizenId', 'nationalId', 'identityNumber', 'cccd', 'cmnd', 'passport', 'soGiayToChuHoSo', 'maDoiTuong', 'soDinhDanh'],
  name: [
    'name', 'fullName', 'applicantName', 'legalRepresentative', 'chuHoSo', 'payerName', 'hoTen', 'receiverName', 'accountName',
    'accountHolder', 'cardHolder', 'customerName', 'contactName', 'nguoiNhan', 'tenNguoiNop',
  ],
  account: ['account', 'accountNumber', 'accountNo', 'cardNumber', 'bankAccount', 'custCode', 'iban', 'pan', 'stk', 'soTaiKhoan'],
  email: ['email', 'emailAddress', 'mail', 'thuDienTu', 'diaChiEmail', 'hopThu'],
  address: [
    'address', 'addr', 'addressLine', 'addressLine1', 'addressLine2', 'streetAddress', 'street', 'postalAddress', 'homeAddress',
    'mailingAddress', 'permanentAddress', 'residentialAddress', 'registeredAddress', 'addressFullText', 'diaChi', 'diaChiThuongTru',
    'diaChiTamTru', 'diaChiLienHe', 'noiO', 'noiCuTru',
  ],
};
const FIELD_KINDS = new Map(
  Object.entries(FIELD_NAMES).flatMap(([kind, names]) => names.map((name) => [normalise(name), kind as FieldKind] as const)),
);

export const REDACTED = '[redacted]';

/** Keeps `head` leading and `tail` trailing characters of a value and stars the rest. */
export function keepEnds(value: string, head: number, tail: number): string {
  if (value.length <= head + tail) return '*'.repeat(value.length);
  return value.slice(0, head) + '*'.repeat(value.length - head - tail) + value.slice(value.length - tail);
}

/** Like `keepEnds`, counting digits only and leaving separators as written: `+84 98 123 4567` → `+84 98 *** *567`. */
export function keepDigitEnds(value: string, head: number, tail: number): string {
  const total = value.replace(/\D/g, '').length;
  if (total <= head + tail) return value.replace(/\d/g, '*');
  let seen = 0;
  return value.replace(/\d/g, (digit) => {
    seen += 1;
    return seen <= head || seen > total - tail ? digit : '*';
  });
}

/** `84981234567` → `8498****567`: enough for an operator to match a complaint, not to identify. */
export const maskPhone = (phone: string): string => keepEnds(phone, 4, 3);

/** `046095001234` → `046******234`. */
const maskIdentity = (identity: string): string => keepEnds(identity, 3, 3);

/** Account and card numbers: `TTH-EC-000101` → `*********0101`, enough to match a complaint, not to use it. */
export const maskAccount = (account: string): string => keepEnds(account, 0, 4);

/** "Nguyễn Văn An" → "N***** V** A*": enough for an operator to recognise, not to identify. */
export function maskName(name: string): string {
  return name.replace(/\p{L}[\p{L}\p{M}]*/gu, (word) => word[0] + '*'.repeat(word.length - 1));
}

/**
 * `lan.nguyen@example.com` → `l*********@e******.com`: the first character of the mailbox and of each domain label,
 * and the top-level domain. A value without `@` keeps its first character.
 */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at < 0) return keepEnds(email, 1, 0);
  const labels = email.slice(at + 1).split('.');
  const top = labels.length > 1 ? labels.pop() : undefined;
  const domain = [...labels.map((label) => keepEnds(label, 1, 0)), ...(top === undefined ? [] : [top])].join('.');
  return `${keepEnds(email.slice(0, at), 1, 0)}@${domain}`;
}

/** "12 Lê Lợi, phường Vĩnh Ninh" → "** L* L**, p***** V*** N***": each word's first letter, no digit. */
export function maskAddress(address: string): string {
  return maskName(address).replace(/\p{N}/gu, '*');
}

/** The Luhn check every payment card number passes: a long digit run that fails it is not a card number. */
function passesLuhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
    sum += digit;
  }
  return sum % 10 === 0;
}

const SECRET_NAMES = String.raw`pass(?:word|wd)|pwd|secret|client_?secret|token|access_?token|api[_-]?key|private[_-]?key|signature(?:_?value)?|pin|otp`;

/** Secrets written out in text. Case-insensitive; each keeps its label and loses its value. */
const SECRET_TEXT = new RegExp(
  [
    // Values stop at a backslash too: inside a JSON log line, `\"` ends the string they sit in.
    String.raw`(?<bearer>\bBearer\s+)[^\s"'\\,;]+`,
    // SOAP and other XML: <Password>…</Password>, <ns1:Password>…
    String.raw`(?<element><(?:[\w.-]+:)?(?:${SECRET_NAMES})>)(?:[^<"\\]|\\[^"])*`,
    // JSON, also escaped inside a JSON string: "password":"…"; and query strings: password=…. Not
    // "Password: NULL_OR_BLANK", a provider's answer code.
    String.raw`(?<json>\\?"(?:${SECRET_NAMES})\\?"\s*:\s*\\?")(?:[^"\\]|\\[^"])*`,
    String.raw`(?<pair>\b(?:${SECRET_NAMES})\s*=\s*)[^\s&;,"'<\\]+`,
    // The gateway's own API keys: lt_cl_…, lt_op_…
    String.raw`(?<apiKey>\blt_[a-z]{2,8}_)[\w-]{8,}`,
  ].join('|'),
  'gi',
);

/**
 * An e-mail address in text: a mailbox of RFC 5322's atom characters (`o'brien`, `an+hs`), letters with diacritics
 * too, and a domain of at least two labels ending in letters (so `pino@9.1.0` and `@hono/node-server` are none).
 */
const EMAIL = /[\p{L}\p{N}_](?:[\p{L}\p{N}!#$%&'*+=?^_`{}~.-]*[\p{L}\p{N}_-])?@(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?\.)+\p{L}{2,}/gu;

/** Labels Vietnamese and English texts put before an account or card number, an identity number, a name. */
const ACCOUNT_LABEL = String.raw`STK|stk|[Ss][ốo] [Tt][àa]i [Kk]ho[ảa]n|[Tt][àa]i [Kk]ho[ảa]n|TK|[Aa]ccount(?: [Nn]umber| [Nn]o\.?)?|[Aa]cct|[Cc]ard(?: [Nn]umber| [Nn]o\.?)?|[Ss][ốo] [Tt]h[ẻe]|[Tt]hẻ(?: [Nn]gân [Hh]àng| ATM)?|IBAN`;
const ID_LABEL = String.raw`CCCD|CMND|CMT|[Cc][ăa]n [Cc][ưu][ớo]c(?: [Cc][ôo]ng [Dd][âa]n)?|[Ss][ốo] [Đđ]ịnh [Dd]anh|[Ss]o [Dd]inh [Dd]anh|[Hh][ộo] [Cc]hi[ếe]u|[Pp]assport`;
const NAME_LABEL = String.raw`[Ôô]ng|[Oo]ng|[Bb]à|[Aa]nh|[Cc]hị|Mrs?\.?|Ms\.?|[Hh][ọo] (?:[Vv][àa] )?[Tt][êe]n|[Tt]ên|[Nn]gười nhận|[Nn]guoi nhan|[Cc]h[ủu] h[ồo] s[ơo]`;
const LABEL_END = String.raw`\s*[:#.]?\s*(?:[Ss][ốo]\s*[:#.]?\s*)?`;
// A name word: capitalised, and not a word that is no personal data ("CCCD", "Hồ sơ", "Và").
const WORD = String.raw`(?!${KEPT_WORD})\p{Lu}[\p{L}\p{M}]*`;
/** Before an address: "Địa chỉ (thường trú)", "Dia chi", "Đ/c"; "Address" only with a colon (English logs say "address" of machines). */
const ADDRESS_LABEL = String.raw`(?:[Đđ]ịa [Cc]hỉ|[Dd]ia [Cc]hi|[Đđ]\/[Cc])(?:[ \t]+(?:thường trú|tạm trú|liên hệ|trụ sở(?: chính)?|nhà|thuong tru|tam tru|lien he|tru so(?: chinh)?|nha))?(?:[ \t]*:[ \t]*|[ \t]+(?=\p{N}|\p{Lu}))|[Aa]ddress[ \t]*:[ \t]*`;
/** Not an address after all: a machine's address, a URL, an e-mail. */
const NOT_AN_ADDRESS = String.raw`(?:IP|[Ee]-?mail)(?![\p{L}\p{M}])|\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}|\[?[0-9a-fA-F]*:[0-9a-fA-F:]*\]?(?![\p{L}\p{M}])|[a-z][a-z0-9+.-]*:\/\/`;
/**
 * An address runs to the end of its line or clause: up to a line break, `;`, a quote, `<`, `|`, a backslash (the
 * end of a JSON string) or a full stop that ends a sentence. "TP. Huế" and "Q. 1" go on: a full stop after a word of
 * one or two letters is an abbreviation's.
 */
const ADDRESS = String.raw`(?:[^\n\r;"<>\\|.]|\.(?![ \t]+\p{Lu})|(?<=(?<![\p{L}\p{M}])[\p{L}\p{M}]{1,2})\.){1,200}`;

/** Account and identity numbers after their label, names after a title. */
const LABELLED = new RegExp(
  String.raw`(?<![\p{L}\p{N}])(?:` +
    [
      String.raw`(?<accountLabel>(?:${ACCOUNT_LABEL})${LABEL_END})(?<account>\d(?:[ .-]?\d){5,22})(?!\d)`,
      String.raw`(?<idLabel>(?:${ID_LABEL})${LABEL_END})(?<identity>[A-Z]?\d{8,12})(?!\d)`,
      String.raw`(?<addressLabel>${ADDRESS_LABEL})(?![ \t]|${NOT_AN_ADDRESS})(?<address>${ADDRESS})`,
      String.raw`(?<nameLabel>(?:${NAME_LABEL})[ \t]*:?[ \t]+)(?<name>${WORD}(?:[ \t]+${WORD}){0,4})`,
    ].join('|') +
    ')',
  'gu',
);

type Groups = Record<string, string | undefined>;

/** An address found in text, masked; the space before what ends it stays as written. */
function maskAddressText(address: string): string {
  const trimmed = address.trimEnd();
  return maskAddress(trimmed) + address.slice(trimmed.length);
}

function maskLabelled(match: string, groups: Groups): string {
  if (groups.account !== undefined) return `${groups.accountLabel}${keepDigitEnds(groups.account, 0, 4)}`;
  if (groups.identity !== undefined) {
    const kept = groups.identity.length >= 12 ? 3 : 2;
    return `${groups.idLabel}${keepEnds(groups.identity, kept, kept)}`;
  }
  if (groups.name !== undefined) return `${groups.nameLabel}${maskName(groups.name)}`;
  if (groups.address !== undefined) return `${groups.addressLabel}${maskAddressText(groups.address)}`;
  return match;
}

/**
 * Runs of digits that may be a phone number (compact or grouped: `0981 234 567`, `+84 98 123 4567`), a citizen
 * identity number (12 digits) or a card number (grouped by four, or 15-19 digits passing Luhn). One pattern finds
 * the candidates; `maskDigits` tells them apart, which costs far less than one pattern per kind on every line.
 */
const DIGIT_RUNS = /(?<!\d)(?:(?:\+?84[ .-]?|0)\d{2,3}[ .-]\d{3}[ .-]?\d{3,4}|\d{4}(?:[ -]\d{4}){3}(?:[ -]?\d{1,3})?|\d{15,19}|\+?\d{10,12})(?!\d)/g;

/** The gateway's own identifiers, whose digits are never personal data: message ids, key ids, request ids. */
const IDENTIFIER = /^(?:msg_[0-9A-Z]{26}|key_[0-9a-f]{12}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

function isTokenChar(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95 || code === 45;
}

/** Whether the digits at `start..end` belong to one of the gateway's identifiers. */
function insideIdentifier(text: string, start: number, end: number): boolean {
  if (start === 0 || !isTokenChar(text.charCodeAt(start - 1))) return false;
  let from = start - 1;
  while (from > 0 && isTokenChar(text.charCodeAt(from - 1))) from--;
  let to = end;
  while (to < text.length && isTokenChar(text.charCodeAt(to))) to++;
  return IDENTIFIER.test(text.slice(from, to));
}

function maskDigits(match: string, offset: number, text: string): string {
  if (insideIdentifier(text, offset, offset + match.length)) return match;
  const digits = match.replace(/\D/g, '');
  const isPhone = (digits.length === 11 && digits.startsWith('84')) || (digits.length === 10 && digits.startsWith('0'));
  if (isPhone) return keepDigitEnds(match, 4, 3);
  if (digits.length !== match.length && !match.startsWith('+')) return digits.length >= 15 ? keepDigitEnds(match, 0, 4) : match;
  if (digits.length === 12) return keepDigitEnds(match, 3, 3);
  if (digits.length >= 15 && passesLuhn(digits)) return keepDigitEnds(match, 0, 4);
  return match;
}

/** Whether `offset` of a JSON text lies inside a string (backslashes occur only inside strings). */
function insideJsonString(json: string, offset: number): boolean {
  let inside = false;
  for (let i = 0; i < offset; i++) {
    const code = json.charCodeAt(i);
    if (code === 92) i++;
    else if (code === 34) inside = !inside;
  }
  return inside;
}

/** In a JSON text, a number masked outside any string becomes a string, so that the text stays JSON. */
function maskJsonDigits(match: string, offset: number, json: string): string {
  const masked = maskDigits(match, offset, json);
  return masked === match || insideJsonString(json, offset) ? masked : `"${masked}"`;
}

/** A quick test that lets most texts skip the secret patterns. */
const MAY_HOLD_SECRET = /bearer|pass|pwd|secret|token|key|signature|pin|otp|lt_/i;

/**
 * Personal data and secrets inside free text (an SMS body, an error message). With `json`, the text is one JSON
 * document (a log line) and stays one.
 */
export function maskText(text: string, options: { json?: boolean } = {}): string {
  let masked = text;
  if (MAY_HOLD_SECRET.test(masked)) {
    masked = masked.replace(SECRET_TEXT, (match: string, ...rest: unknown[]) => {
      const groups = rest.at(-1) as Groups;
      const label = groups.bearer ?? groups.element ?? groups.json ?? groups.pair;
      if (label !== undefined) return `${label}${REDACTED}`;
      return groups.apiKey === undefined ? match : `${groups.apiKey}${REDACTED}`;
    });
  }
  if (masked.includes('@')) masked = masked.replace(EMAIL, maskEmail);
  masked = masked.replace(LABELLED, (match: string, ...rest: unknown[]) => maskLabelled(match, rest.at(-1) as Groups));
  return masked.replace(DIGIT_RUNS, options.json ? maskJsonDigits : maskDigits);
}

/** A serialised log line, masked as text and still JSON. */
export const maskJsonLine = (line: string): string => maskText(line, { json: true });

const kindOf = (key: string) => (key === '' ? undefined : FIELD_KINDS.get(normalise(key)));

/** Whether a field of this name holds a secret, which is removed rather than masked. */
export function isSecretKey(key: string): boolean {
  return kindOf(key) === 'secret';
}

/**
 * One scalar by the name of its field (phone, identity, account, name, e-mail, address; a secret is removed), and
 * unchanged when the name says nothing: free text is `maskText`'s. The logger uses this one and masks each whole line
 * as text.
 */
export function maskNamedField(key: string, value: string | number): string | number {
  const kind = kindOf(key);
  if (kind === undefined) return value;
  if (kind === 'secret') return REDACTED;
  const text = String(value);
  if (kind === 'phone') return maskPhone(text);
  if (kind === 'id') return maskIdentity(text);
  if (kind === 'account') return maskAccount(text);
  if (kind === 'email') return maskEmail(text);
  if (kind === 'address') return maskAddress(text);
  return typeof value === 'number' ? value : maskName(text);
}

/** One scalar by the name of its field, as free text when the name says nothing. */
export function maskField(key: string, value: string | number): string | number {
  if (kindOf(key) !== undefined) return maskNamedField(key, value);
  return typeof value === 'string' ? maskText(value) : value;
}

export function maskPersonalData(value: unknown, key = ''): unknown {
  if (Array.isArray(value)) return value.map((item) => maskPersonalData(item, key));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([name, item]) => [name, maskPersonalData(item, name)]));
  }
  if (isSecretKey(key)) return REDACTED;
  if (typeof value === 'string' || typeof value === 'number') return maskField(key, value);
  return value;
}
