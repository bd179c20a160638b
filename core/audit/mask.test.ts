import { describe, expect, it } from 'vitest';
import { keepDigitEnds, keepEnds, maskEmail, maskField, maskJsonLine, maskName, maskNamedField, maskPersonalData, maskText } from './mask.ts';

describe('masking personal data', () => {
  it('keeps a few leading and trailing characters', () => {
    expect(keepEnds('84981234567', 4, 3)).toBe('8498****567');
    expect(keepEnds('12', 1, 1)).toBe('**');
    expect(keepDigitEnds('+84 98 123 4567', 4, 3)).toBe('+84 98 *** *567');
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

  it('reads field names whatever their case and separators', () => {
    expect(maskPersonalData({ full_name: 'Lê Văn Cường', PhoneNumber: '0912345678', ACCOUNT_NO: '0011223344', Password: 'x', 'x-api-key': 'k' })).toEqual({
      full_name: 'L* V** C****',
      PhoneNumber: '0912***678',
      ACCOUNT_NO: '******3344',
      Password: '[redacted]',
      'x-api-key': '[redacted]',
    });
  });
});

describe('maskText', () => {
  it.each([
    ['+84 98 123 4567', '+84 98 *** *567'],
    ['098.123.4567', '098.1**.*567'],
    ['0981 234 567', '0981 *** 567'],
    ['84 981 234 567', '84 98* *** 567'],
  ])('masks a phone number written with separators (%s)', (phone, masked) => {
    expect(maskText(`goi ${phone} nhe`)).toBe(`goi ${masked} nhe`);
  });

  it('masks card numbers: grouped by four, or a long run that passes the Luhn check', () => {
    expect(maskText('the 4111 1111 1111 1111 het han')).toBe('the **** **** **** 1111 het han');
    expect(maskText('pan 9704360000123453.')).toBe('pan ************3453.');
    // 16 digits that fail Luhn are not a card: left alone (an amount in đồng, a hash prefix).
    expect(maskText('ref 1234567890123456')).toBe('ref 1234567890123456');
  });

  it('masks account and identity numbers after their label', () => {
    expect(maskText('Chuyen khoan STK: 0123456789 tai VietinBank')).toBe('Chuyen khoan STK: ******6789 tai VietinBank');
    expect(maskText('số tài khoản 1903 5555 1234')).toBe('số tài khoản **** **** 1234');
    expect(maskText('account number 12345678')).toBe('account number ****5678');
    expect(maskText('CMND số 123456789 hết hạn')).toBe('CMND số 12*****89 hết hạn');
    expect(maskText('Căn cước công dân: 001099012345')).toBe('Căn cước công dân: 001******345');
  });

  it('masks a name after a title or a label, with or without diacritics', () => {
    expect(maskText('Hồ sơ của ông Đặng Văn Ấn đã được tiếp nhận')).toBe('Hồ sơ của ông Đ*** V** Ấ* đã được tiếp nhận');
    expect(maskText('Ho so cua ong Dang Van An da duoc tiep nhan')).toBe('Ho so cua ong D*** V** A* da duoc tiep nhan');
    expect(maskText('Họ và tên: Nguyễn Thị Mai')).toBe('Họ và tên: N***** T** M**');
    expect(maskText('Bà Trần Bình')).toBe('Bà T*** B***');
  });

  it('leaves what is not personal data alone', () => {
    for (const text of [
      'attempt 3 of 8 failed; retry in 1234 ms',
      'Viettel answered result=0 for RequestID 123 to 8498****567: Check information error',
      'Authenticate: Password: NULL_OR_BLANK',
      'ho so 000.00.01.H22-260301-0001 at 1767225600000',
      'http://127.0.0.1:41234/bulkapi',
      'lienthong Long An Service',
      'the circuit of instance sms-viettel is open',
    ]) {
      expect(maskText(text)).toBe(text);
    }
  });

  it("never takes the gateway's own identifiers for personal data", () => {
    const ids = 'msg_01JN0981234567890123456789 key_123456789012 c0a8e2b4-1234-4abc-9def-123456789012';
    expect(maskText(ids)).toBe(ids);
    // A phone right after a dash is still a phone.
    expect(maskText('HS-0981234567')).toBe('HS-0981***567');
  });

  it('removes secrets written out in text, keeping their labels', () => {
    expect(maskText('Authorization: Bearer lt_cl_AbCdEf0123456789xyz')).toBe('Authorization: Bearer [redacted]');
    expect(maskText('<User>u</User><Password>s3cr3t!</Password><CPCode>CP</CPCode>')).toBe('<User>u</User><Password>[redacted]</Password><CPCode>CP</CPCode>');
    expect(maskText('<ns1:password>s3cr3t</ns1:password>')).toBe('<ns1:password>[redacted]</ns1:password>');
    expect(maskText('GET /x?user=u&password=hunter2&x=1')).toBe('GET /x?user=u&password=[redacted]&x=1');
    expect(maskText('{"user":"u","apiKey":"k-123","Signature":"abc=="}')).toBe('{"user":"u","apiKey":"[redacted]","Signature":"[redacted]"}');
    expect(maskText('unknown key lt_test_client_sms_viettel_0001')).toBe('unknown key lt_test_[redacted]');
  });
});

describe('maskJsonLine', () => {
  it('keeps a log line JSON: a masked bare number becomes a string, one inside a string stays inside it', () => {
    const line = JSON.stringify({ time: 1767225600000, contact: 84981234567, msg: 'call 84981234567 or "0912345678"', messageId: 'msg_01JN0981234567890123456789' });
    const masked = maskJsonLine(line);
    expect(JSON.parse(masked)).toEqual({ time: 1767225600000, contact: '8498****567', msg: 'call 8498****567 or "0912***678"', messageId: 'msg_01JN0981234567890123456789' });
  });

  it('redacts a secret inside an escaped JSON or XML text without breaking the line', () => {
    const line = JSON.stringify({ err: 'provider echoed {"password":"hunter2","to":"x"} and <Password>p@ss</Password>', msg: 'Bearer abc.def' });
    const parsed = JSON.parse(maskJsonLine(line)) as { err: string; msg: string };
    expect(parsed.err).toBe('provider echoed {"password":"[redacted]","to":"x"} and <Password>[redacted]</Password>');
    expect(parsed.msg).toBe('Bearer [redacted]');
  });
});

describe('maskNamedField and maskField', () => {
  it('masks by name and leaves other fields to the text pass (maskNamedField) or masks them as text (maskField)', () => {
    expect(maskNamedField('receiver', '84981234567')).toBe('8498****567');
    expect(maskNamedField('msisdn', 84981234567)).toBe('8498****567');
    expect(maskNamedField('token', 'abc')).toBe('[redacted]');
    expect(maskNamedField('note', 'goi 0981234567')).toBe('goi 0981234567');
    expect(maskField('note', 'goi 0981234567')).toBe('goi 0981***567');
    expect(maskNamedField('count', 12)).toBe(12);
  });
});

describe('e-mail addresses', () => {
  it.each([
    ['lan.nguyen@example.com', 'l*********@e******.com'],
    ["o'brien@example.com", 'o******@e******.com'],
    ['an+hs-0001@mail.example.vn', 'a*********@m***.e******.vn'],
    ['Nguyễn.Lan@bưuđiện.vn', 'N*********@b******.vn'],
    ['x@hue.gov.vn', '*@h**.g**.vn'],
  ])('masks %s in text, keeping the first letters and the top-level domain', (email, masked) => {
    expect(maskText(`Liên hệ ${email}, sau 17h.`)).toBe(`Liên hệ ${masked}, sau 17h.`);
    expect(maskEmail(email)).toBe(masked);
  });

  it('masks an e-mail field by its name, whatever it holds', () => {
    expect(maskPersonalData({ email: "o'brien@example.com", E_Mail: 'an@example.vn', thuDienTu: 'not an address' })).toEqual({
      email: 'o******@e******.com',
      E_Mail: 'a*@e******.vn',
      thuDienTu: 'n*************',
    });
  });

  it('keeps a log line JSON, and leaves package names and versions alone', () => {
    const line = JSON.stringify({ msg: 'gửi tới "an@example.vn"', err: 'at node_modules/@hono/node-server/dist/index.js (pino@9.1.0)' });
    expect(JSON.parse(maskJsonLine(line))).toEqual({ msg: 'gửi tới "a*@e******.vn"', err: 'at node_modules/@hono/node-server/dist/index.js (pino@9.1.0)' });
  });
});

describe('postal addresses', () => {
  it('masks an address field by its name: each word its first letter, no digit', () => {
    expect(maskPersonalData({ applicant: { address: '12 Lê Lợi, phường Vĩnh Ninh, TP. Huế' }, diaChiThuongTru: 'Thôn Liễu Cốc 3' })).toEqual({
      applicant: { address: '** L* L**, p***** V*** N***, T*. H**' },
      diaChiThuongTru: 'T*** L*** C** *',
    });
  });

  it.each([
    ['Địa chỉ: 12 Lê Lợi, phường Vĩnh Ninh, TP. Huế. Hồ sơ đã có kết quả', 'Địa chỉ: ** L* L**, p***** V*** N***, T*. H**. Hồ sơ đã có kết quả'],
    ['Dia chi tru so chinh: 45 Nguyen Hue, Hue; nop le phi', 'Dia chi tru so chinh: ** N***** H**, H**; nop le phi'],
    ['địa chỉ thường trú 27 Trần Phú\nCCCD 046095001234', 'địa chỉ thường trú ** T*** P**\nCCCD 046******234'],
    ['Address: 8 Hung Vuong, Hue', 'Address: * H*** V****, H**'],
  ])('masks an address after its label: %j', (text, masked) => {
    expect(maskText(text)).toBe(masked);
  });

  it("leaves a machine's address alone", () => {
    for (const text of ['the IP address is not allowed', 'address: 127.0.0.1:8080', 'Địa chỉ IP: 10.0.0.1', 'listen address: [::1]:8080', 'address: https://ecard.example.vn/api']) {
      expect(maskText(text)).toBe(text);
    }
  });
});

describe('words that are not personal data', () => {
  it.each([
    'Anh CCCD',
    'Ông/Bà CCCD',
    'Chị mang CCCD và CMND, MST và SĐT khi đến nhận',
    'Anh/chị vui lòng mang CCCD đến UBND phường',
    'Bà Con Mang CCCD',
    'Tên Hồ Sơ: 000.00.01.H22-260301-0001',
    'Tên doanh nghiệp: Công ty TNHH Phú Xuân',
    'Kính gửi Quý khách',
    'Hồ sơ 000.00.01.H22-260301-0001 của ông đã có kết quả',
    'Mã OTP của anh là OTP',
  ])('keeps %j as written', (text) => {
    expect(maskText(text)).toBe(text);
  });

  it('still masks the names around them, with and without diacritics', () => {
    expect(maskText('Ông Nguyễn Văn An Và Bà Trần Thị Bình mang CCCD 046095001234')).toBe('Ông N***** V** A* Và Bà T*** T** B*** mang CCCD 046******234');
    expect(maskText('Người nhận: Lê Thị Mai, SĐT 0981234567')).toBe('Người nhận: L* T** M**, SĐT 0981***567');
    expect(maskText('Họ và tên: NGUYỄN VĂN AN; chị Lan Anh CCCD')).toBe('Họ và tên: N***** V** A*; chị L** A** CCCD');
    expect(maskText('Ho so cua ong Ho Van Son, dia chi: 3 Le Loi, Hue')).toBe('Ho so cua ong H* V** S**, dia chi: * L* L**, H**');
  });
});
