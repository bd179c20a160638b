import { describe, expect, it } from 'vitest';
import { maskedExcerpt } from './masked-excerpt.ts';

describe('maskedExcerpt', () => {
  it('masks personal data as the audit log does', () => {
    expect(maskedExcerpt('Receiver 84981234567 is not reachable')).toBe('Receiver 8498****567 is not reachable');
    expect(maskedExcerpt('SoDienThoai 0981234567 không hợp lệ')).toBe('SoDienThoai 0981***567 không hợp lệ');
    expect(maskedExcerpt('tài khoản 0123456789012 lỗi')).toBe('tài khoản *********9012 lỗi');
    expect(maskedExcerpt('CCCD 046095001234 sai')).toBe('CCCD 046******234 sai');
    expect(maskedExcerpt('Họ và tên: Nguyễn Thị Mai')).toBe('Họ và tên: N***** T** M**');
    expect(maskedExcerpt('<Password>hunter2</Password>')).toBe('<Password>[redacted]</Password>');
  });

  it('masks any other long digit run, which may be an account number without its label', () => {
    expect(maskedExcerpt('ref 1234567890123456 refused')).toBe('ref ************3456 refused');
    expect(maskedExcerpt('so 123456789 khong hop le')).toBe('so *****6789 khong hop le');
  });

  it("leaves short numbers, codes and the gateway's own identifiers alone", () => {
    for (const text of [
      'Check Content: MAXLENGTH_LIMIT 160',
      'S:Server: java.sql.SQLException: pool exhausted',
      'Hồ sơ 000.00.01.H22-260301-0001 đã tồn tại',
      'message msg_01JN0981234567890123456789 refused',
    ]) {
      expect(maskedExcerpt(text)).toBe(text);
    }
  });

  it('keeps it on one line and bounded', () => {
    expect(maskedExcerpt('  line one\r\n\tline two  ')).toBe('line one line two');
    expect(maskedExcerpt('a'.repeat(500))).toBe(`${'a'.repeat(300)}…`);
    expect(maskedExcerpt('abcdef', 3)).toBe('abc…');
  });

  it('masks a number that the bound cuts, before cutting', () => {
    const text = `${'x'.repeat(195)} 0981234567 ${'y'.repeat(10_000)}`;
    const excerpt = maskedExcerpt(text, 200);
    expect(excerpt).toBe(`${'x'.repeat(195)} 0981…`);
    expect(maskedExcerpt(`${'x'.repeat(189)} 0981234567`, 200)).toBe(`${'x'.repeat(189)} 0981***567`);
  });
});
