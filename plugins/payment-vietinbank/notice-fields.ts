/**
 * The form of each field of the bank's payment notice, checked once its signature verifies and before it can change
 * a payment. The signature covers the fields concatenated without separators (signature-fields.ts), so characters
 * moved from one field to the next (from `bankTransId` to `remark`, say) leave it valid: only each field's exact
 * form tells the bank's notice from such a copy. `transTime` and `amount` have the documented forms, `custCode` is the
 * plugin's own paymentId; `transId` and `bankTransId` take the instance's patterns, whose defaults are the
 * simulator's forms (unconfirmed: set them from the bank's merchant specification).
 */
import { REQUEST_ID_FORM } from './client.ts';
import { fromTransTime } from './vietnam-time.ts';

/** The defaults of `noticeTransIdPattern` and `noticeBankTransIdPattern`. */
export const NOTICE_PATTERN_DEFAULTS = {
  transId: String.raw`^[A-Za-z0-9_.:-]{1,64}$`,
  bankTransId: String.raw`^VTB\d{20}$`,
} as const;

/** A notice's fields as they arrive, their types already checked. */
export interface NoticeFields {
  transId: string;
  transTime: string;
  custCode: string;
  amount: string;
  bankTransId: string;
  remark?: string | undefined;
}

export interface NoticePatterns {
  noticeTransIdPattern: string;
  noticeBankTransIdPattern: string;
}

/** The first field not in its form, and the form it should have had; undefined when every field is in form. */
export interface FieldProblem {
  field: keyof NoticeFields;
  expected: string;
}

const REMARK_MAX = 500;
const AMOUNT_FORM = /^[1-9]\d{0,14}$/;

const compiled = new Map<string, RegExp>();
function patternOf(source: string): RegExp {
  let pattern = compiled.get(source);
  if (!pattern) {
    pattern = new RegExp(source, 'u');
    if (compiled.size > 100) compiled.clear();
    compiled.set(source, pattern);
  }
  return pattern;
}

/** Whether a configured pattern compiles and is anchored at both ends (a field's whole value must match it). */
export function isAnchoredPattern(source: string): boolean {
  if (!source.startsWith('^') || !source.endsWith('$') || source.endsWith('\\$')) return false;
  try {
    patternOf(source);
    return true;
  } catch {
    return false;
  }
}

export function noticeFieldProblem(notice: NoticeFields, patterns: NoticePatterns): FieldProblem | undefined {
  const checks: Array<[keyof NoticeFields, boolean, string]> = [
    ['transId', patternOf(patterns.noticeTransIdPattern).test(notice.transId), `in the form ${patterns.noticeTransIdPattern}`],
    ['transTime', fromTransTime(notice.transTime) !== undefined, 'a real time as yyyyMMddHHmmss'],
    ['custCode', REQUEST_ID_FORM.test(notice.custCode), 'a paymentId of this gateway (12 letters and digits)'],
    ['amount', AMOUNT_FORM.test(notice.amount), 'whole VND without leading zeros'],
    ['bankTransId', patternOf(patterns.noticeBankTransIdPattern).test(notice.bankTransId), `in the form ${patterns.noticeBankTransIdPattern}`],
    ['remark', (notice.remark ?? '').length <= REMARK_MAX, `text of at most ${REMARK_MAX} characters`],
  ];
  const failed = checks.find(([, ok]) => !ok);
  return failed && { field: failed[0], expected: failed[2] };
}
