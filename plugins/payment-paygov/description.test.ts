import { describe, expect, it } from 'vitest';
import { transactionInfo } from './description.ts';

describe('ThongTinGiaoDich', () => {
  it('drops diacritics when plain, đ included', () => {
    expect(transactionInfo('Lệ phí cấp Giấy đăng ký — ĐỢT 1', true)).toBe('Le phi cap Giay dang ky — DOT 1');
  });

  it('keeps them otherwise, in NFC', () => {
    expect(transactionInfo('Le\u0302\u0323 phi\u0301', false)).toBe('Lệ phí');
  });

  it('never carries the | that separates the fields of MaXacThuc, nor control characters', () => {
    expect(transactionInfo('a|b\nc\u0000d  e', false)).toBe('a b c d e');
  });
});
