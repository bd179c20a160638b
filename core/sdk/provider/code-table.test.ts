import { describe, expect, it } from 'vitest';
import { codeTable, type CodeRow } from './code-table.ts';

type Verdict = 'ok' | 'permanent' | 'retryable' | 'duplicate';

const table = codeTable<CodeRow<Verdict>>([
  { code: '00', verdict: 'ok', meaning: 'success' },
  { code: 'Check ServiceID: ALIAS_INVALID', prefix: true, verdict: 'permanent', meaning: 'the brandname is not registered' },
  { code: 'Check ServiceID: DUPLICATE MESSAGE', verdict: 'duplicate', meaning: 'already received' },
  { code: 'BUSY', pattern: /hệ thống (đang )?bận|quá tải/i, verdict: 'retryable', meaning: 'the provider is busy' },
]);

describe('codeTable', () => {
  it('finds a code exactly, surrounding spaces aside, with its typed verdict', () => {
    const row = table.find(' 00 ');
    expect(row).toMatchObject({ code: '00', verdict: 'ok', meaning: 'success' });
    const verdict: Verdict | undefined = row?.verdict;
    expect(verdict).toBe('ok');
    expect(table.find('0')).toBeUndefined();
    expect(table.find('000')).toBeUndefined();
  });

  it('finds a prefix row for a code that starts with it', () => {
    expect(table.find('Check ServiceID: ALIAS_INVALID:TELCO=VT')?.verdict).toBe('permanent');
    expect(table.find('Check ServiceID: ALIAS')).toBeUndefined();
  });

  it('finds a pattern row for a text the pattern finds', () => {
    expect(table.find('Hệ thống đang bận, vui lòng thử lại')?.code).toBe('BUSY');
    expect(table.find('QUÁ TẢI')?.code).toBe('BUSY');
  });

  it('prefers an exact row to a prefix or pattern row, and otherwise keeps the order of the table', () => {
    const ordered = codeTable<CodeRow>([
      { code: 'ERR', prefix: true, verdict: 'retryable', meaning: 'any error' },
      { code: 'ERR_AUTH', prefix: true, verdict: 'permanent', meaning: 'authentication' },
      { code: 'ERR_AUTH_EXPIRED', verdict: 'retryable', meaning: 'expired' },
    ]);
    expect(ordered.find('ERR_AUTH_EXPIRED')?.meaning).toBe('expired');
    expect(ordered.find('ERR_AUTH_LOCKED')?.meaning).toBe('any error');
  });

  it('looks among the rows a condition accepts, narrowing their type', () => {
    type Row = (CodeRow<'ok' | 'permanent'> & { service: 'card' | 'token' }) | { service: 'status'; code: string; status: 'active' };
    const mixed = codeTable<Row>([
      { service: 'card', code: '41', verdict: 'permanent', meaning: 'API key refused' },
      { service: 'token', code: '41', verdict: 'ok', meaning: 'not the same 41' },
      { service: 'status', code: 'ACTIVE', status: 'active' },
    ]);
    expect(mixed.find('41', (row) => row.service === 'token')).toMatchObject({ meaning: 'not the same 41' });
    const status = mixed.find('ACTIVE', (row): row is Extract<Row, { service: 'status' }> => row.service === 'status');
    expect(status?.status).toBe('active');
    expect(mixed.find('ACTIVE', (row) => row.service === 'card')).toBeUndefined();
  });

  it('compares as the table says codes compare', () => {
    const statuses = codeTable([{ code: 'Đang hoạt động' }], { normalise: (text) => text.normalize('NFC').trim().toLocaleLowerCase('vi') });
    expect(statuses.find(' ĐANG HOẠT ĐỘNG '.normalize('NFD'))?.code).toBe('Đang hoạt động');
  });

  it('keeps the rows as declared, for the tests that drive every row', () => {
    expect(table.rows.map((row) => row.code)).toEqual(['00', 'Check ServiceID: ALIAS_INVALID', 'Check ServiceID: DUPLICATE MESSAGE', 'BUSY']);
  });
});
