/**
 * A key a strict object does not know, said as one line that names it and suggests the key that was meant:
 * `unknown key 'instance' (did you mean 'instances'?)`. The known keys are read from the schema itself, so the
 * suggestion can never drift from what is accepted.
 */
import type * as v from 'valibot';
import { didYouMean } from '../sdk/did-you-mean.ts';

type Key = string | number | symbol | unknown;

/** Valibot's issue for a key a strict object refuses: its path ends at that key. */
export function isUnknownKey(issue: v.BaseIssue<unknown>): boolean {
  return issue.type === 'strict_object' && issue.expected === 'never' && issue.path?.at(-1)?.origin === 'key';
}

/** The path of the issue's keys, e.g. `['instances', 0, 'delivery', 'maxAttempt']`. */
export function issueKeys(issue: v.BaseIssue<unknown>): Key[] {
  return issue.path?.map((item) => item.key) ?? [];
}

/** ` (did you mean 'x'?)`, or the keys known where the unknown key was, named as `listing`. */
export function unknownKeyHint(schema: unknown, issue: v.BaseIssue<unknown>, listing = 'keys'): string {
  const keys = issueKeys(issue);
  const key = String(keys.at(-1));
  return didYouMean(key, knownKeysAt(schema, keys.slice(0, -1)), listing);
}

/** The keys of the object schema reached by following `path` through `schema`; none when it leads to no object. */
export function knownKeysAt(schema: unknown, path: readonly Key[]): string[] {
  let current: unknown = schema;
  for (const key of path) current = child(unwrap(current), key);
  const entries = property(unwrap(current), 'entries');
  return entries && typeof entries === 'object' ? Object.keys(entries) : [];
}

function property(value: unknown, name: string): unknown {
  return value !== null && typeof value === 'object' && name in value ? (value as Record<string, unknown>)[name] : undefined;
}

/** Through `optional`, `nullable` and the like (a `pipe` keeps the properties of the schema it starts with). */
function unwrap(schema: unknown): unknown {
  let current = schema;
  while (property(current, 'wrapped') !== undefined) current = property(current, 'wrapped');
  return current;
}

function child(schema: unknown, key: Key): unknown {
  const entries = property(schema, 'entries');
  if (typeof key === 'string' && entries && typeof entries === 'object') return property(entries, key);
  if (typeof key === 'number') return property(schema, 'item');
  return property(schema, 'value');
}
