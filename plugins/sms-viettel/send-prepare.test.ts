import { describe, expect, it } from 'vitest';
import { normaliseSmsSend } from '../../core/capabilities/sms.ts';
import { InputError } from '../../core/sdk/index.ts';
import { thrown } from '../../core/sdk/testing.ts';
import { prepare } from './send.ts';
import { testConfig } from './test-support/config.ts';

const base = { agency: '000.00.01.H22', to: '84981234567', reference: 'H22.99-261121-0001' };
/** What the API edge does with a send: the capability's own step, then this instance's `prepare`. */
const prepared = (text: string, unicode = false, maxSegments = 5) =>
  prepare(normaliseSmsSend({ ...base, text, unicode }), { instance: 'sms-hue', config: testConfig({ maxSegments }) });

const refusal = (run: () => unknown) => thrown(run, InputError);

describe('send: prepare at the API edge', () => {
  it('stores the text without diacritics for a non-Unicode SMS, the rest of the input untouched', () => {
    expect(prepared('Hồ sơ của ông Đặng Văn Ấn đã được tiếp nhận')).toEqual({
      ...base,
      text: 'Ho so cua ong Dang Van An da duoc tiep nhan',
      unicode: false,
    });
  });

  it('keeps the diacritics of a Unicode SMS, composed (NFC)', () => {
    const text = 'Hồ sơ của ông Đặng Văn Ấn đã được tiếp nhận';
    expect(prepared(text.normalize('NFD'), true).text).toBe(text.normalize('NFC'));
  });

  it('accepts exactly maxSegments segments and refuses one character more, naming text', () => {
    expect(prepared('a'.repeat(765)).text).toHaveLength(765);
    const error = refusal(() => prepared('a'.repeat(766)));
    expect(error.issues).toEqual([
      { path: 'text', message: 'text needs 6 non-Unicode SMS segments; this provider instance allows at most 5' },
    ]);
  });

  it('counts the segments after the diacritics are gone, and as Unicode when asked', () => {
    // 160 characters with diacritics: one GSM segment once stripped, three Unicode segments as they are.
    const text = 'Tiếp nhận '.repeat(16);
    expect(prepared(text, false, 1).text).toBe('Tiep nhan '.repeat(16));
    expect(refusal(() => prepared(text, true, 2)).issues[0]?.message).toBe(
      'text needs 3 Unicode SMS segments; this provider instance allows at most 2',
    );
  });

  it('refuses characters a non-Unicode SMS cannot carry, without quoting the text', () => {
    const error = refusal(() => prepared('Chúc mừng năm mới 🎉'));
    expect(error.issues).toEqual([
      { path: 'text', message: 'text has characters a non-Unicode SMS cannot carry (U+1F389): send it with unicode: true' },
    ]);
    expect(prepared('Chúc mừng năm mới 🎉', true).text).toBe('Chúc mừng năm mới 🎉');
  });

  it('refuses a text that is only diacritics or blank, and control characters', () => {
    expect(refusal(() => prepared('\u0301\u0303')).issues[0]?.message).toBe('text is empty once diacritics are removed');
    expect(refusal(() => prepared('   ')).issues[0]?.path).toBe('text');
    expect(refusal(() => prepared('bell \u0007', true)).issues[0]?.message).toBe('text contains control characters or broken surrogates');
  });
});
