import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { FIELD_ORDER, type MessageKind, type SignedFields } from './fields.ts';
import { hasValidMaXacThuc, maXacThuc } from './signature.ts';

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const SECRET = 'shared-secret-for-tests';

/** A message of each kind with a distinct value in every field, so a swapped order changes the hash. */
function sample<K extends MessageKind>(kind: K): SignedFields<K> {
  return Object.fromEntries(FIELD_ORDER[kind].map((name, index) => [name, `${name}-${index}`])) as SignedFields<K>;
}

describe('MaXacThuc', () => {
  it('is the lowercase hex SHA-256 of the INIT fields in the documented order, the secret last', () => {
    const fields: SignedFields<'INIT'> = {
      LoaiBanTin: 'INIT', PhienBan: '1.0.6', MaDoiTac: 'UBND_TTHUE', MaThamChieu: 'PG01', SoTien: '50000', LoaiHinhThanhToan: 'PAY',
      MaKenhThanhToan: '1', MaThietBi: '1', NgonNgu: 'vi', MaTienTe: 'VND', MaNganHang: '', ThongTinGiaoDich: 'Le phi ho so',
      ThoiGianGD: '20261121093000', Ip: '10.0.0.7',
    };
    const expected = sha256('INIT|1.0.6|UBND_TTHUE|PG01|50000|PAY|1|1|vi|VND||Le phi ho so|20261121093000|10.0.0.7|shared-secret-for-tests');
    expect(maXacThuc('INIT', fields, SECRET)).toBe(expected);
    expect(expected).toMatch(/^[0-9a-f]{64}$/);
  });

  it('follows the QUERY and RESULT orders', () => {
    expect(maXacThuc('QUERY', sample('QUERY'), SECRET)).toBe(
      sha256('LoaiBanTin-0|PhienBan-1|MaDoiTac-2|MaThamChieu-3|ThoiGianGD-4|shared-secret-for-tests'),
    );
    expect(maXacThuc('RESULT', sample('RESULT'), SECRET)).toBe(
      sha256('LoaiBanTin-0|MaLoi-1|MaDoiTac-2|MaThamChieu-3|SoTien-4|MaTienTe-5|MaGiaoDich-6|MaNganHang-7|ThoiGianGD-8|ThongTinGiaoDich-9|shared-secret-for-tests'),
    );
  });

  it('hashes Vietnamese text as UTF-8', () => {
    const fields = { ...sample('RESULT'), ThongTinGiaoDich: 'Lệ phí hồ sơ' };
    expect(maXacThuc('RESULT', fields, SECRET)).toBe(sha256(`${FIELD_ORDER.RESULT.map((name) => fields[name]).join('|')}|${SECRET}`));
  });

  for (const kind of Object.keys(FIELD_ORDER) as MessageKind[]) {
    it(`a change to each ${kind} field, or to the secret, breaks it`, () => {
      const fields = sample(kind);
      const signature = maXacThuc(kind, fields, SECRET);
      for (const name of FIELD_ORDER[kind]) {
        for (const changed of [`${fields[name]}x`, '', ` ${fields[name]}`, fields[name].toUpperCase()]) {
          if (changed === fields[name]) continue;
          const tampered = { ...fields, [name]: changed };
          expect(maXacThuc(kind, tampered, SECRET), `${kind}.${name} = ${JSON.stringify(changed)}`).not.toBe(signature);
          expect(hasValidMaXacThuc(kind, tampered, signature, SECRET)).toBe(false);
        }
      }
      expect(hasValidMaXacThuc(kind, fields, signature, `${SECRET}x`)).toBe(false);
      expect(hasValidMaXacThuc(kind, fields, signature, SECRET)).toBe(true);
    });
  }

  it('verifies upper-case hex and refuses anything that is not 64 hex digits', () => {
    const fields = sample('RESULT');
    const signature = maXacThuc('RESULT', fields, SECRET);
    expect(hasValidMaXacThuc('RESULT', fields, signature.toUpperCase(), SECRET)).toBe(true);
    for (const wrong of ['', signature.slice(0, 63), `${signature}0`, `${signature.slice(0, 63)}g`, sha256('other')]) {
      expect(hasValidMaXacThuc('RESULT', fields, wrong, SECRET)).toBe(false);
    }
  });
});
