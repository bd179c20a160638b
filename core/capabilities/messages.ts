import type * as v from 'valibot';

/**
 * The words of a validation problem that its rule does not give itself: a plain sentence about the field, which the
 * problem's `path` names (`text`: "must not be blank"). Never quotes the value, which may be a secret or personal
 * data: only its kind (text or list) picks the words.
 */
export function issueMessage(issue: v.BaseIssue<unknown>): string {
  if (issue.kind === 'schema') return issue.received === 'undefined' ? 'is required' : `must be ${expectedType(issue)}`;
  const requirement = typeof issue.requirement === 'number' ? issue.requirement : Number.NaN;
  const isList = Array.isArray(issue.input);
  switch (issue.type) {
    case 'non_empty':
      return isList ? 'must not be empty' : 'must not be blank';
    case 'min_length':
      return isList ? `must have at least ${count(requirement, 'entry', 'entries')}` : `must be at least ${count(requirement, 'character', 'characters')}`;
    case 'max_length':
      return isList ? `must have at most ${count(requirement, 'entry', 'entries')}` : `must be at most ${count(requirement, 'character', 'characters')}`;
    case 'min_value':
      return `must be at least ${requirement}`;
    case 'max_value':
      return `must be at most ${requirement}`;
    case 'integer':
      return 'must be a whole number';
    case 'url':
      return 'must be an absolute URL such as https://motcua.example.gov.vn/ket-qua';
    case 'iso_date':
      return 'must be a date written YYYY-MM-DD, such as 2026-03-01';
    case 'regex':
      return 'is not in the expected form';
    default:
      return 'is not valid';
  }
}

/** valibot's `safeParse` configuration at the API edge: these words, and one problem per field rather than a list. */
export const INPUT_CHECKS = { message: issueMessage, abortPipeEarly: true } satisfies v.Config<v.BaseIssue<unknown>>;

const TYPES: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  boolean: 'true or false',
  object: 'a JSON object',
  strict_object: 'a JSON object',
  record: 'a JSON object',
  array: 'a list (a JSON array)',
  integer: 'a whole number',
};

function expectedType(issue: v.BaseIssue<unknown>): string {
  if (issue.type === 'picklist' || issue.type === 'literal') return `one of ${(issue.expected ?? '').replace(/^\((.*)\)$/, '$1').split(' | ').join(', ')}`;
  return TYPES[issue.type] ?? 'of another type';
}

const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
