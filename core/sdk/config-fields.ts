/**
 * Builders for the fields of a plugin's instance config. Every message names the field and none quotes the
 * value: a config error must never echo what might be a secret.
 */
import * as v from 'valibot';

function isHttpUrl(value: string): boolean {
  try {
    return /^https?:$/.test(new URL(value).protocol);
  } catch {
    return false;
  }
}

/** Required text, trimmed, at most `max` characters. */
export const textField = (name: string, max = 200) =>
  v.pipe(v.string(`${name} must be a string`), v.trim(), v.nonEmpty(`${name} must not be empty`), v.maxLength(max, `${name} is at most ${max} characters`));

/** A whole number in [min, max]. */
export const wholeNumberField = (name: string, min: number, max: number) =>
  v.pipe(
    v.number(`${name} must be a number`),
    v.integer(`${name} must be a whole number`),
    v.minValue(min, `${name} must be at least ${min}`),
    v.maxValue(max, `${name} must be at most ${max}`),
  );

/** An absolute http(s) URL; `example` shows the expected form in the message. */
export const httpUrlField = (name: string, example?: string) =>
  v.pipe(v.string(`${name} must be a string`), v.check(isHttpUrl, `${name} must be an absolute http or https URL${example ? `, e.g. ${example}` : ''}`));

/** A path below a base URL, starting with `/`. */
export const pathField = (name: string, max = 300) => v.pipe(textField(name, max), v.startsWith('/', `${name} must start with /`));

/**
 * The object of an instance config: a missing field is named, and so is the plugin when the config is no object; a
 * field the plugin does not know is refused (a misspelt optional field would otherwise fall back to its default).
 */
export function instanceConfig<const Entries extends v.ObjectEntries>(plugin: string, entries: Entries) {
  return v.strictObject(entries, (issue) => {
    const key = issue.path?.[0]?.key;
    if (issue.expected === 'never' && typeof key === 'string') return `${key} is not a ${plugin} setting`;
    return typeof key === 'string' ? `${key} is required` : `the ${plugin} config must be an object`;
  });
}
