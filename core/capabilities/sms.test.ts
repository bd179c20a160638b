import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { InputError } from '../sdk/errors.ts';
import { thrown } from '../sdk/testing/failure.ts';
import { findOperation } from './index.ts';
import { normaliseSmsSend, smsSendInput, smsSendOutput } from './sms.ts';

const base = { agency: '000.00.01.H22', to: '84981234567', reference: 'HS-0001' };
const send = (text: string, unicode = false) => normaliseSmsSend({ ...base, text, unicode });

const refusal = (run: () => unknown) => thrown(run, InputError);

describe('sms/send: the capability normalises at the API edge, for every provider', () => {
  it('is the hook of the send operation, where the edge finds it', () => {
    expect(findOperation('sms', 'send')?.normalise).toBe(normaliseSmsSend);
  });

  it('takes what the schema gives and removes diacritics from a non-Unicode text, the rest untouched', () => {
    const input = v.parse(smsSendInput, { agency: base.agency, to: '098 123 4567', text: 'Hồ sơ của ông Đặng Văn Ấn đã được tiếp nhận', reference: 'HS-0001' });
    expect(normaliseSmsSend(input)).toEqual({ ...base, text: 'Ho so cua ong Dang Van An da duoc tiep nhan', unicode: false });
  });

  it('makes word-processor punctuation plain in a non-Unicode text', () => {
    expect(send('“Hồ sơ” – đã nhận…').text).toBe('"Ho so" - da nhan...');
  });

  it('keeps the diacritics of a Unicode text, composed (NFC)', () => {
    const text = 'Hồ sơ của ông Đặng Văn Ấn';
    expect(send(text.normalize('NFD'), true)).toEqual({ ...base, text: text.normalize('NFC'), unicode: true });
    expect(send('Chúc mừng năm mới 🎉', true).text).toBe('Chúc mừng năm mới 🎉');
  });

  it('gives the same input again when it runs twice', () => {
    for (const unicode of [false, true]) {
      const once = send('Hồ sơ “HS-1” đã có kết quả…', unicode);
      expect(normaliseSmsSend(once)).toEqual(once);
    }
  });

  it('refuses, naming text and never quoting it, characters a non-Unicode SMS cannot carry', () => {
    const error = refusal(() => send('Số tiền 50.000đ 中 🎉'));
    expect(error.issues).toEqual([{ path: 'text', message: 'text has characters a non-Unicode SMS cannot carry (U+4E2D, U+1F389): send it with unicode: true' }]);
    expect(error.message).not.toContain('Số tiền');
  });

  it('refuses a text that is empty once diacritics are removed, blank, or holds control characters', () => {
    expect(refusal(() => send('\u0301\u0303')).issues).toEqual([{ path: 'text', message: 'text is empty once diacritics are removed' }]);
    expect(refusal(() => send('   ')).issues).toEqual([{ path: 'text', message: 'must not be blank' }]);
    expect(refusal(() => send('bell \u0007', true)).issues).toEqual([{ path: 'text', message: 'text contains control characters or broken surrogates' }]);
    expect(refusal(() => send('half \uD83C', true)).issues[0]?.path).toBe('text');
  });

  it('leaves segment limits to each provider instance: a long text passes', () => {
    expect(send('a'.repeat(1600)).text).toHaveLength(1600);
  });
});

describe('sms/send output', () => {
  it("takes the provider's own message id when it has one, and goes without it", () => {
    expect(v.is(smsSendOutput, { providerMessage: 'accepted', segments: 1, providerMessageId: 'MT-123' })).toBe(true);
    expect(v.is(smsSendOutput, { providerMessage: 'Insert MT_QUEUE: OK', providerCode: '1', segments: 1 })).toBe(true);
    expect(v.is(smsSendOutput, { providerMessage: 'accepted', segments: 1, providerMessageId: 42 })).toBe(false);
  });
});
