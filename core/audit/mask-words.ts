/**
 * Words the free-text masker keeps: after a title ("ông", "chị", "Tên") a capitalised word is taken for a name
 * unless it is one of these. Vietnamese words and phrases that are never a person's name, and abbreviations
 * (CCCD, CMND, MST, UBND…). Only forms that are no common name syllable are listed: "Anh", "Long", "Quý", "Hồ" and
 * "Mã" are names too, so "Hồ" appears only in the phrase "hồ sơ".
 */

const WORDS = [
  // Forms of address and pronouns: a title followed by another title is no name ("Anh Chị", "Bà Con").
  'ông', 'bà', 'chị', 'em', 'con', 'cô', 'chú', 'bác', 'các', 'những', 'quý khách', 'quý vị', 'người dân', 'công dân',
  // Small words a sentence written in title case carries.
  'và', 'hoặc', 'của', 'đã', 'được', 'tại', 'là', 'có', 'không', 'sẽ', 'cần', 'đến', 'nhận', 'nộp', 'mang', 'vui lòng', 'xin',
  'theo', 'gửi', 'kính gửi', 'với', 'cho', 'về', 'để', 'khi', 'này', 'đó', 'tên', 'số', 'ngày', 'tháng', 'lúc', 'qua', 'thì', 'mà',
  // Things that have names but are no persons.
  'hồ sơ', 'thủ tục', 'doanh nghiệp', 'công ty', 'cơ quan', 'đơn vị', 'tổ chức', 'dịch vụ', 'tài khoản', 'đăng nhập', 'kết quả',
  'lệ phí', 'thuế', 'giấy phép', 'giấy tờ', 'chứng minh', 'căn cước', 'định danh', 'hộ chiếu', 'địa chỉ', 'điện thoại',
  // The same without diacritics, where that is no name either.
  'va', 'hoac', 'cua', 'duoc', 'khong', 'vui long', 'kinh gui', 'quy khach', 'nguoi dan', 'cong dan', 'ho so', 'thu tuc',
  'doanh nghiep', 'cong ty', 'co quan', 'don vi', 'to chuc', 'dich vu', 'tai khoan', 'ket qua', 'le phi', 'giay phep',
  'dia chi', 'dien thoai',
];

/** Abbreviations with a vowel (those without one are never a name syllable, and are kept by that rule). */
const ABBREVIATIONS = ['UBND', 'BHYT', 'OTP', 'PIN', 'ID', 'IP', 'SMS', 'QR', 'OK', 'VAT', 'API', 'URL', 'PDF', 'ATM', 'VIP', 'CEO'];

const capitalised = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Each word or phrase as a sentence, a title and capitals write it: "hồ sơ" → "Hồ sơ", "Hồ Sơ", "HỒ SƠ". */
function writtenForms(phrase: string): string[] {
  const words = phrase.split(' ');
  const forms = [capitalised(phrase), words.map(capitalised).join(' '), phrase.toUpperCase()];
  return [...new Set(forms)].map((form) => form.split(' ').map(escape).join(String.raw`[ \t]+`));
}

/** Upper-case consonants only (CCCD, CMND, MST, SĐT, HĐND, VNPT): every Vietnamese syllable has a vowel. */
const NO_VOWEL = String.raw`[B-DF-HJ-NP-TV-XZĐ]{2,}`;

/**
 * A regular-expression fragment, for a negative look-ahead at the start of a name word: one of the kept words or
 * abbreviations, ending at a word's end.
 */
export const KEPT_WORD = `(?:${[...WORDS.flatMap(writtenForms), ...ABBREVIATIONS, NO_VOWEL].join('|')})(?![\\p{L}\\p{M}\\p{N}])`;
