/**
 * The tax codes the capability schema lets through to this plugin: the check digit of the protocol note, on its
 * valid and invalid vectors, and every simulated business's tax code.
 */
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { ecardLookupInput } from '../../core/capabilities/ecard.ts';
import { BUSINESSES, UNKNOWN_TAX_CODES } from './simulator/businesses.ts';
import { isoDateOf } from './answer-fields.ts';

const lookupBy = (taxCode: string) => v.safeParse(ecardLookupInput, { agency: '000.00.01.H22', taxCode });

describe('tax codes at the API edge', () => {
  it.each(['0100233488', '0314409058', '0314409058-002', '0100109106'])('accepts the protocol note vector %s', (taxCode) => {
    expect(lookupBy(taxCode)).toMatchObject({ success: true, output: { taxCode } });
  });

  it.each<[string, string]>([
    ['0100233480', 'wrong check digit (the note vector)'],
    ['0100233489', 'wrong check digit'],
    ['0314409058-000', 'branch 000'],
    ['0100000000', 'digits 3-9 all zero'],
    ['010023348', 'nine digits'],
    ['01002334881', 'eleven digits'],
    ['0100233488-02', 'two-digit branch'],
    ...Array.from({ length: 10 }, (_, digit): [string, string] => [`330010004${digit}`, 'digits 1-9 weigh to a remainder of 0: no check digit matches']),
  ])('refuses %s (%s)', (taxCode) => {
    const parsed = lookupBy(taxCode);
    expect(parsed.success).toBe(false);
    if (!parsed.success) expect(parsed.issues.map((issue) => v.getDotPath(issue))).toEqual(['taxCode']);
  });

  it('normalises a branch written without the dash', () => {
    expect(lookupBy('0314409058002')).toMatchObject({ success: true, output: { taxCode: '0314409058-002' } });
  });

  it('has only valid tax codes among the simulated businesses', () => {
    for (const taxCode of [...BUSINESSES.map((business) => business.taxCode), ...UNKNOWN_TAX_CODES]) expect(lookupBy(taxCode).success, taxCode).toBe(true);
  });
});

describe('dates from providers', () => {
  it.each([
    ['2024-03-15', '2024-03-15'],
    ['2024-03-15T00:00:00+07:00', '2024-03-15'],
    ['15/03/2024', '2024-03-15'],
    ['5/3/2024', '2024-03-05'],
    ['20240315', '2024-03-15'],
    ['20240315093000', '2024-03-15'],
    ['31/02/2024', undefined],
    ['soon', undefined],
  ])('reads %s as %s', (raw, expected) => {
    expect(isoDateOf(raw)).toBe(expected);
  });
});
