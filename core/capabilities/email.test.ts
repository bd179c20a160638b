import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { emailAddress, isEmailAddress } from './email.ts';
import { INPUT_CHECKS } from './messages.ts';

describe('e-mail addresses (RFC 5322 addr-spec)', () => {
  it.each([
    ['an@example.vn', 'the common form'],
    ["o'brien@example.com", 'an apostrophe'],
    ['an.nguyen+hoso@so-tu-phap.hue.gov.vn', 'dots, plus and dashes'],
    ["!#$%&'*+-/=?^_`{|}~@example.vn", 'every other atext character'],
    ['"a"@b.vn', 'a quoted local part'],
    ['"an nguyen"@example.vn', 'a space inside quotes'],
    ['"a@b"@example.vn', 'an @ inside quotes'],
    ['"a\\"b\\\\c"@example.vn', 'quoted pairs'],
    ['AN@EXAMPLE.VN', 'capitals'],
    ['an@xn--tnmin-hra1f.vn', 'an internationalised domain in its xn-- form'],
    [`${'a'.repeat(64)}@example.vn`, 'a local part of 64 characters'],
    [`a@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}.${'e'.repeat(57)}.vn`, '254 characters'],
  ])('takes %s (%s)', (address) => {
    expect(isEmailAddress(address)).toBe(true);
  });

  it.each([
    ['', 'nothing'],
    ['an', 'no @'],
    ['an@', 'no domain'],
    ['@example.vn', 'no local part'],
    ['an@@example.vn', 'two @'],
    ['a@b@example.vn', 'an @ outside quotes'],
    ['an@localhost', 'a domain without a dot'],
    ['an@example.', 'an empty last label'],
    ['an@.example.vn', 'an empty first label'],
    ['an@example..vn', 'two dots in the domain'],
    ['an@-example.vn', 'a label starting with a dash'],
    ['an@example-.vn', 'a label ending with a dash'],
    ['an@exa_mple.vn', 'an underscore in the domain'],
    ['an@192.168.1.1', 'an IP address'],
    ['an@[192.0.2.1]', 'a domain literal'],
    ['an@example.v', 'a one-letter top-level domain'],
    ['an@example.123', 'a numeric top-level domain'],
    ['.an@example.vn', 'a leading dot'],
    ['an.@example.vn', 'a trailing dot'],
    ['an..nguyen@example.vn', 'two dots in a row'],
    ['an nguyen@example.vn', 'a space outside quotes'],
    ['an(comment)@example.vn', 'a comment'],
    ['"an@example.vn', 'an unclosed quote'],
    ['""@example.vn', 'an empty quoted local part'],
    ['"a"b"@example.vn', 'a bare quote inside quotes'],
    ['"a\\"@example.vn', 'a backslash that escapes the closing quote'],
    ['"a\nb"@example.vn', 'a line break inside quotes'],
    ['nguyễn@example.vn', 'a non-ASCII local part'],
    ['an@ví-dụ.vn', 'a non-ASCII domain (write it in its xn-- form)'],
    ['an@example.vn\n', 'a trailing line break'],
    [`${'a'.repeat(65)}@example.vn`, 'a local part over 64 characters'],
    [`a@${'b'.repeat(64)}.vn`, 'a label over 63 characters'],
    [`a@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}.${'e'.repeat(58)}.vn`, '255 characters'],
  ])('refuses %j (%s)', (address) => {
    expect(isEmailAddress(address)).toBe(false);
  });

  it('checks the address once the spaces around it are trimmed, and says what is wanted without quoting it', () => {
    expect(v.parse(emailAddress, "  o'brien@example.com ")).toBe("o'brien@example.com");
    const refused = v.safeParse(emailAddress, 'an.nguyen@', INPUT_CHECKS);
    expect(refused.issues?.map((issue) => issue.message)).toEqual(['must be an e-mail address such as an.nguyen@example.vn (at most 64 characters before the @)']);
    const long = v.safeParse(emailAddress, `${'a'.repeat(250)}@b.vn`, INPUT_CHECKS);
    expect(long.issues?.map((issue) => issue.message)).toEqual(['must be at most 254 characters']);
  });
});
