import * as v from 'valibot';

/** RFC 5322 §3.2.3 atext: the characters of a dot-atom besides the dots (`o'brien`, `an+hoso`, `x_y{z}`). */
const ATEXT = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]";
const DOT_ATOM = `${ATEXT}+(?:\\.${ATEXT}+)*`;
/**
 * RFC 5322 §3.2.4 quoted-string (`"a b"`, `"a\"b"`): printable ASCII and spaces, `"` and `\` only as quoted pairs.
 * Not empty, and without the folding (CR LF) an address typed in a form never needs.
 */
const QUOTED_STRING = '"(?:[ \\t!#-\\[\\]-~]|\\\\[ \\t!-~])+"';
/** A DNS label: letters, digits and inner dashes, at most 63. */
const LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
/** A top-level domain is letters (or an IDN's xn-- form): never digits alone, so `a@192.168.1.1` is refused. */
const TOP_LEVEL = '(?:[A-Za-z]{2,63}|xn--[A-Za-z0-9-]{1,59})';

/**
 * An RFC 5322 addr-spec as the one-stop software sends one: a dot-atom or quoted local part of at most 64
 * characters (RFC 5321 §4.5.3.1.1), `@`, and a domain name with at least one dot, 254 characters in all. Left out,
 * as nobody types them in a form: comments, folding white space, domain literals (`a@[192.0.2.1]`), and non-ASCII
 * addresses (RFC 6531). Written as one pattern so that the OpenAPI document states the very same rule.
 */
export const EMAIL_ADDRESS = new RegExp(
  `^(?=.{1,64}@[^@]*$)(?=.{3,254}$)(?:${DOT_ATOM}|${QUOTED_STRING})@(?:${LABEL}\\.)+${TOP_LEVEL}$`,
);

export function isEmailAddress(value: string): boolean {
  return EMAIL_ADDRESS.test(value);
}

export const emailAddress = v.pipe(
  v.string(),
  v.trim(),
  v.maxLength(254, 'must be at most 254 characters'),
  v.regex(EMAIL_ADDRESS, 'must be an e-mail address such as an.nguyen@example.vn (at most 64 characters before the @)'),
);
