import { describe, expect, it } from 'vitest';
import { PermanentError, RetryableError } from '../../core/sdk/index.ts';
import { acceptedOrThrow, ANSWER_CODES, failureCode, isPaidResult, isUnknownTransaction, transactionState } from './answer-codes.ts';

const about = { kind: 'INIT', reference: 'PG01' } as const;

function thrownBy(run: () => void): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('payment platform result table', () => {
  it('has each code once per field', () => {
    const keys = ANSWER_CODES.rows.map((row) => `${row.field}:${row.code}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  for (const row of ANSWER_CODES.rows) {
    if (row.field === 'MaLoi') {
      it(`MaLoi ${row.code} is ${row.verdict}`, () => {
        const error = thrownBy(() => acceptedOrThrow(row.code, 'mô tả', about));
        if (row.verdict === 'ok') {
          expect(error).toBeUndefined();
          return;
        }
        expect(error).toBeInstanceOf(row.verdict === 'permanent' ? PermanentError : RetryableError);
        expect(error).toMatchObject({ code: `MALOI_${row.code}`, message: `the payment platform answered MaLoi ${row.code} to INIT PG01: mô tả (${row.meaning})` });
      });
    } else {
      it(`TrangThaiGD ${row.code} is ${row.state}`, () => {
        expect(transactionState(row.code)).toEqual({ state: row.state, known: true });
        expect(transactionState(` ${row.code} `)).toEqual({ state: row.state, known: true });
      });
    }
  }

  it('an unknown MaLoi is retryable: an answer we cannot read must not become a refusal', () => {
    const error = thrownBy(() => acceptedOrThrow('77', undefined, about));
    expect(error).toBeInstanceOf(RetryableError);
    expect(error).toMatchObject({ code: 'UNKNOWN_RESULT', message: 'the payment platform answered MaLoi 77 to INIT PG01 (not a known answer)' });
  });

  it('an unknown TrangThaiGD is not final', () => {
    expect(transactionState('2')).toEqual({ state: 'pending', known: false });
    expect(transactionState('')).toEqual({ state: 'pending', known: false });
  });

  it('a result callback is paid for MaLoi 00 only', () => {
    expect(isPaidResult('00')).toBe(true);
    for (const code of ['0', '01', '24', '99', '', '000']) expect(isPaidResult(code), code).toBe(false);
  });

  it('tells the platform\'s "no such transaction" from every other failure', () => {
    expect(isUnknownTransaction(thrownBy(() => acceptedOrThrow('05', undefined, about)))).toBe(true);
    for (const code of ['01', '04', '99', '77']) expect(isUnknownTransaction(thrownBy(() => acceptedOrThrow(code, undefined, about))), code).toBe(false);
    expect(isUnknownTransaction(new RetryableError('x', { code: 'MALOI_05' }))).toBe(false);
  });

  it('keeps the code a failure carries, or ERROR', () => {
    expect(failureCode(new PermanentError('x', { code: 'MALOI_01' }))).toBe('MALOI_01');
    expect(failureCode(new RetryableError('x', { code: 'HTTP_503' }))).toBe('HTTP_503');
    expect(failureCode(new RetryableError('x'))).toBe('ERROR');
    expect(failureCode(new Error('x'))).toBe('ERROR');
  });

  it('masks long digit runs in what the platform said', () => {
    const error = thrownBy(() => acceptedOrThrow('99', 'tài khoản 0123456789012 lỗi', about));
    // Masked as the audit log masks an account number: the last four digits kept.
    expect((error as Error).message).toContain('tài khoản *********9012 lỗi');
    expect((error as Error).message).not.toContain('0123456789012');
  });
});
