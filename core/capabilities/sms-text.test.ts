import { describe, expect, it } from 'vitest';
import { countSegments, hasUnsendableCharacters, nonGsmCharacters, smsText, stripDiacritics, toGsmText } from './sms-text.ts';

describe('stripDiacritics', () => {
  it('removes Vietnamese diacritics, đ and Đ included', () => {
    expect(stripDiacritics('Hồ sơ của ông Đặng Văn Ấn đã được tiếp nhận')).toBe('Ho so cua ong Dang Van An da duoc tiep nhan');
  });

  it('handles every vowel with every tone, in both cases', () => {
    const vowels = 'aàáảãạăằắẳẵặâầấẩẫậeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợuùúủũụưừứửữựyỳýỷỹỵ';
    expect(stripDiacritics(vowels)).toBe('a'.repeat(18) + 'e'.repeat(12) + 'i'.repeat(6) + 'o'.repeat(18) + 'u'.repeat(12) + 'y'.repeat(6));
    expect(stripDiacritics(vowels.toUpperCase())).toBe(stripDiacritics(vowels).toUpperCase());
    expect(stripDiacritics('đĐ')).toBe('dD');
  });

  it('gives the same answer for text that arrives decomposed (NFD), as macOS writes it', () => {
    const decomposed = 'Nguyễn Thị Ánh'.normalize('NFD');
    expect(decomposed.length).toBeGreaterThan('Nguyễn Thị Ánh'.length);
    expect(stripDiacritics(decomposed)).toBe('Nguyen Thi Anh');
  });

  it('leaves plain text, digits and punctuation alone', () => {
    const plain = 'Ho so 000.00.01.H22-261121-0001: nop le phi 50.000d (xem https://dichvucong.gov.vn).';
    expect(stripDiacritics(plain)).toBe(plain);
  });
});

describe('toGsmText', () => {
  it('also makes word-processor punctuation plain', () => {
    expect(toGsmText('“Hồ sơ” – đã nhận… ‘OK’')).toBe('"Ho so" - da nhan... \'OK\'');
  });

  it('leaves characters it cannot help for the caller to see', () => {
    expect(nonGsmCharacters(toGsmText('Chúc mừng 🎉 năm mới 中'))).toEqual(['U+1F389', 'U+4E2D']);
    expect(nonGsmCharacters(toGsmText('Hồ sơ của ông Đặng Văn Ấn €[x]'))).toEqual([]);
  });

  it('gives every ASCII text what the whole conversion gives, plain ones untouched', () => {
    const whole = (text: string) => Array.from(stripDiacritics(text), (char) => ({ '`': "'", '\t': ' ' })[char] ?? char).join('');
    const ascii = Array.from({ length: 128 }, (_, code) => String.fromCharCode(code)).join('');
    for (const text of [ascii, 'Ho so 000.00.01.H22-261121-0001 da co ket qua.\r\nLH: 0981234567', 'a`b\tc', '{x}|~^[\\]', '']) {
      expect(toGsmText(text)).toBe(whole(text));
    }
    const plain = 'Ho so da duoc tiep nhan';
    expect(toGsmText(plain)).toBe(plain);
  });
});

describe('hasUnsendableCharacters', () => {
  it('finds control characters and broken surrogates, which XML cannot carry', () => {
    expect(hasUnsendableCharacters('line one\r\nline two\tend')).toBe(false);
    expect(hasUnsendableCharacters('bell\u0007')).toBe(true);
    expect(hasUnsendableCharacters('half \uD83C emoji')).toBe(true);
    expect(hasUnsendableCharacters('whole 🎉 emoji')).toBe(false);
  });
});

describe('countSegments (GSM 7-bit: 160 single, 153 per part; extension characters count double)', () => {
  const gsm = (length: number) => 'a'.repeat(length);

  it.each([
    [0, 0],
    [1, 1],
    [160, 1],
    [161, 2],
    [306, 2],
    [307, 3],
    [459, 3],
    [460, 4],
    [765, 5],
    [766, 6],
  ])('%i plain characters take %i segment(s)', (length, segments) => {
    expect(countSegments(gsm(length), false)).toBe(segments);
  });

  it.each(['€', '{', '}', '[', ']', '~', '^', '|', '\\'])('%s counts as two septets', (char) => {
    expect(countSegments(gsm(158) + char, false)).toBe(1);
    expect(countSegments(gsm(159) + char, false)).toBe(2);
  });

  it('never splits an extension character across parts', () => {
    // 152 + '€' does not fit in 153: the euro starts the second part, so 152 + 2 + 152 = 3 parts, not 2.
    expect(countSegments(`${gsm(152)}€${gsm(152)}`, false)).toBe(3);
    expect(countSegments(`${gsm(151)}€${gsm(153)}`, false)).toBe(2);
  });

  it('counts other GSM characters (£, Ø, newline) as one septet', () => {
    expect(countSegments(`${gsm(157)}£Ø\n`, false)).toBe(1);
  });
});

describe('countSegments (Unicode: 70 single, 67 per part)', () => {
  const vietnamese = (length: number) => 'ệ'.repeat(length);

  it.each([
    [70, 1],
    [71, 2],
    [134, 2],
    [135, 3],
    [335, 5],
    [336, 6],
  ])('%i Unicode characters take %i segment(s)', (length, segments) => {
    expect(countSegments(vietnamese(length), true)).toBe(segments);
  });

  it('counts a character outside the BMP as two code units and never splits it', () => {
    expect(countSegments(`${vietnamese(68)}🎉`, true)).toBe(1);
    expect(countSegments(`${vietnamese(69)}🎉`, true)).toBe(2);
    expect(countSegments(`${vietnamese(66)}🎉${vietnamese(66)}`, true)).toBe(3);
  });
});

describe('smsText', () => {
  it('is the text without diacritics for a non-Unicode SMS, and composed (NFC) for a Unicode one', () => {
    const text = 'Hồ sơ của ông Đặng Văn Ấn đã được tiếp nhận';
    expect(smsText({ text, unicode: false })).toBe('Ho so cua ong Dang Van An da duoc tiep nhan');
    expect(smsText({ text: text.normalize('NFD'), unicode: true })).toBe(text.normalize('NFC'));
  });

  it('gives the same text again when applied twice, so a provider may apply it to text the edge already shaped', () => {
    for (const unicode of [false, true]) {
      const once = smsText({ text: '“Hồ sơ” – đã nhận… 🎉', unicode });
      expect(smsText({ text: once, unicode })).toBe(once);
    }
  });
});
