import { describe, expect, it } from 'vitest';
import { keepEnds, maskName, maskPersonalData, maskText } from './mask.ts';

describe('masking personal data', () => {
  it('keeps a few leading and trailing characters', () => {
    expect(keepEnds('84981234567', 4, 3)).toBe('8498****567');
    expect(keepEnds('12', 1, 1)).toBe('**');
  });

  it('masks every word of a name but its first letter', () => {
    expect(maskName('Nguyễn Văn An')).toBe('N***** V** A*');
  });

  it('masks phone numbers and identity numbers inside free text', () => {
    const masked = maskText('Goi 0981234567 hoac +84912345678, CCCD 046095001234, ma ho so 123');
    expect(masked).not.toContain('0981234567');
    expect(masked).not.toContain('912345678');
    expect(masked).not.toContain('046095001234');
    expect(masked).toContain('046******234');
    expect(masked).toContain('ma ho so 123');
  });

  it('masks by field name, recursively, and removes secrets', () => {
    const masked = maskPersonalData({
      agency: '000.00.01.H22',
      to: '84981234567',
      applicant: { name: 'Trần Thị Bình', idNumber: '046095001234', phone: 912345678 },
      payer: { accountNumber: '1234567890123' },
      password: 'hunter2',
      entries: [{ handler: 'Lê Văn C', content: 'gọi 0981234567' }],
    });
    expect(masked).toEqual({
      agency: '000.00.01.H22',
      to: '8498****567',
      applicant: { name: 'T*** T** B***', idNumber: '046******234', phone: '9123**678' },
      payer: { accountNumber: '*********0123' },
      password: '[redacted]',
      entries: [{ handler: 'Lê Văn C', content: 'gọi 0981***567' }],
    });
  });
});
