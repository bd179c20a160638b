import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { citizenId, MOBILE_PREFIXES_BY_CARRIER, normaliseTaxCode, normaliseVietnameseMobile } from './identifiers.ts';

describe('Vietnamese mobile numbers', () => {
  it.each([
    ['0981234567', '84981234567'],
    ['+84981234567', '84981234567'],
    ['84981234567', '84981234567'],
    ['098 123 4567', '84981234567'],
    ['098.123.4567', '84981234567'],
    ['+84-91-234-5678', '84912345678'],
    ['0323456789', '84323456789'],
    ['0591234567', '84591234567'],
  ])('%s → %s', (raw, normalised) => {
    expect(normaliseVietnameseMobile(raw)).toBe(normalised);
  });

  it('takes a number of every carrier, and knows each prefix for one carrier only', () => {
    const prefixes = Object.values(MOBILE_PREFIXES_BY_CARRIER).flat();
    expect(new Set(prefixes).size).toBe(prefixes.length);
    for (const prefix of prefixes) expect(normaliseVietnameseMobile(`0${prefix}1234567`), prefix).toBe(`84${prefix}1234567`);
  });

  it.each([
    ['981234567', 'no national prefix'],
    ['09812345678', 'eleven digits after 0'],
    ['0281234567', 'a landline prefix'],
    ['0111234567', 'an unknown prefix'],
    ['+1 415 555 0100', 'a foreign number'],
    ['098123456a', 'a letter'],
    ['', 'nothing'],
  ])('refuses %s (%s)', (raw) => {
    expect(normaliseVietnameseMobile(raw)).toBeUndefined();
  });
});

describe('tax codes', () => {
  it.each([
    ['0100233488', '0100233488'],
    ['0314409058', '0314409058'],
    ['0314409058-002', '0314409058-002'],
    ['0314409058002', '0314409058-002'],
    ['0100109106', '0100109106'],
  ])('accepts %s', (raw, normalised) => {
    expect(normaliseTaxCode(raw)).toBe(normalised);
  });

  it.each([
    ['0100233480', 'wrong check digit'],
    ['0314409058-000', 'branch 000'],
    ['0100000000', 'digits 3-9 all zero'],
    ['010023348', 'nine digits'],
    ['01002334881', 'eleven digits'],
    ['01002334AB', 'letters'],
  ])('refuses %s (%s)', (raw) => {
    expect(normaliseTaxCode(raw)).toBeUndefined();
  });
});

describe('citizen identity numbers', () => {
  it('accepts 12 digits with a province code 001-096', () => {
    expect(v.is(citizenId, '046095001234')).toBe(true);
    expect(v.is(citizenId, '001300000001')).toBe(true);
  });

  it.each(['000095001234', '097095001234', '04609500123', '04609500123X'])('refuses %s', (raw) => {
    expect(v.is(citizenId, raw)).toBe(false);
  });
});
