/**
 * The form of each field of a result callback, checked once MaXacThuc matches and before the result can change a
 * payment. MaXacThuc hashes the fields joined by `|`: a value with a `|` in it would let text move from one field to
 * the next under the same MaXacThuc. So no field but the last (ThongTinGiaoDich, free text) may hold one: the first
 * nine `|` then end the first nine fields, the secret ends the last, and the split is exact. Where the form is known
 * (the time, the amount, the currency, this gateway's own MaThamChieu) it is checked too; the platform's other
 * fields are only bounded in length, their forms not being published.
 */
import type { SignedFields } from './fields.ts';
import { isoFromVietnamTimestamp } from './time.ts';

type ResultField = keyof SignedFields<'RESULT'>;

export interface FieldProblem {
  field: ResultField;
  expected: string;
}

const FORMS: Array<[ResultField, (value: string) => boolean, string]> = [
  ['LoaiBanTin', (value) => /^[A-Za-z_]{1,20}$/.test(value), 'a message type of letters'],
  ['MaLoi', (value) => /^[0-9A-Za-z]{1,8}$/.test(value), 'a code of letters and digits'],
  ['MaDoiTac', (value) => value.length <= 50, 'at most 50 characters'],
  // paymentIdOf (create.ts): `PG` and the message id's letters and digits.
  ['MaThamChieu', (value) => /^PG[0-9A-Za-z]{1,38}$/.test(value), 'a paymentId of this gateway (PG and letters and digits)'],
  ['SoTien', (value) => /^[1-9]\d{0,14}$/.test(value), 'whole VND without leading zeros'],
  ['MaTienTe', (value) => /^(?:[A-Z]{3})?$/.test(value), 'empty or a three-letter currency code'],
  ['MaGiaoDich', (value) => value.length <= 64, 'at most 64 characters'],
  ['MaNganHang', (value) => value.length <= 20, 'at most 20 characters'],
  ['ThoiGianGD', (value) => value === '' || isoFromVietnamTimestamp(value) !== undefined, 'empty or a real time as yyyyMMddHHmmss'],
  ['ThongTinGiaoDich', (value) => value.length <= 500, 'at most 500 characters'],
];

/** The first field out of its form, and the form it should have had; undefined when every field is in form. */
export function resultFieldProblem(fields: SignedFields<'RESULT'>): FieldProblem | undefined {
  for (const [field, inForm, expected] of FORMS) {
    const value = fields[field];
    if (field !== 'ThongTinGiaoDich' && value.includes('|')) return { field, expected: 'free of |, the separator MaXacThuc joins the fields with' };
    if (!inForm(value)) return { field, expected };
  }
  return undefined;
}
