import * as v from 'valibot';

/**
 * National numbers (without the leading 0) start with one of these, by carrier. Format check only: numbers port
 * from one carrier to another, so a carrier's prefixes say where a number began, not where it is.
 */
export const MOBILE_PREFIXES_BY_CARRIER = {
  viettel: ['86', '96', '97', '98', '32', '33', '34', '35', '36', '37', '38', '39'],
  vinaphone: ['88', '91', '94', '81', '82', '83', '84', '85'],
  mobifone: ['89', '90', '93', '70', '76', '77', '78', '79'],
  vietnamobile: ['92', '56', '58'],
  gmobile: ['99', '59'],
} as const satisfies Record<string, readonly string[]>;

const MOBILE_PREFIXES = new Set<string>(Object.values(MOBILE_PREFIXES_BY_CARRIER).flat());

/**
 * A Vietnamese mobile number as callers write it (`0981234567`, `+84 98 123 4567`, `84981234567`, with spaces,
 * dots or dashes) normalised to the international form without `+`: `84981234567`.
 */
export function normaliseVietnameseMobile(raw: string): string | undefined {
  const compact = raw.replace(/[\s.\-()]/g, '');
  const match = /^(?:\+84|84|0)(\d{9})$/.exec(compact);
  if (!match?.[1] || !MOBILE_PREFIXES.has(match[1].slice(0, 2))) return undefined;
  return `84${match[1]}`;
}

export const vietnameseMobile = v.pipe(
  v.string(),
  v.rawTransform(({ dataset, addIssue, NEVER }) => {
    const normalised = normaliseVietnameseMobile(dataset.value);
    if (normalised) return normalised;
    addIssue({ message: 'must be a Vietnamese mobile number such as 0981234567 or +84981234567' });
    return NEVER;
  }),
);

const TAX_CODE_WEIGHTS = [31, 29, 23, 19, 17, 13, 7, 5, 3];

/**
 * A tax code (mã số thuế): 10 digits with a check digit, or 13 = 10 + a branch number, written `XXXXXXXXXX-YYY`.
 * Returns the normalised form, or undefined when the form or the check digit is wrong.
 */
export function normaliseTaxCode(raw: string): string | undefined {
  const match = /^(\d{10})(?:-?(\d{3}))?$/.exec(raw.replace(/\s/g, ''));
  const main = match?.[1];
  if (!main) return undefined;
  const branch = match[2];
  if (branch === '000' || /^0{7}$/.test(main.slice(2, 9))) return undefined;
  const sum = TAX_CODE_WEIGHTS.reduce((total, weight, i) => total + weight * Number(main[i]), 0);
  const check = 10 - (sum % 11);
  if (check === 10 || check !== Number(main[9])) return undefined;
  return branch ? `${main}-${branch}` : main;
}

export const taxCode = v.pipe(
  v.string(),
  v.rawTransform(({ dataset, addIssue, NEVER }) => {
    const normalised = normaliseTaxCode(dataset.value);
    if (normalised) return normalised;
    addIssue({ message: 'must be a tax code: 10 digits with a correct check digit, and -NNN after them for a branch' });
    return NEVER;
  }),
);

/** Citizen identity number (CCCD): 12 digits, the first three a province code 001–096. No check digit exists. */
export const citizenId = v.pipe(
  v.string(),
  v.regex(/^\d{12}$/, 'must be a citizen identity number of 12 digits'),
  v.check((value) => {
    const province = Number(value.slice(0, 3));
    return province >= 1 && province <= 96;
  }, 'must start with a province code from 001 to 096'),
);
