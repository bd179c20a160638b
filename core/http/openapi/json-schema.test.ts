import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { isoDateTime } from '../../capabilities/define.ts';
import { vietnameseMobile } from '../../capabilities/identifiers.ts';
import { adminPaths } from './admin-paths.ts';
import { assertDescribable, queryParameters, requestSchema, responseSchema } from './json-schema.ts';

const parsePhone = v.rawTransform<string, string>(({ dataset, addIssue, NEVER }) => {
  if (/^\d+$/.test(dataset.value)) return dataset.value;
  addIssue({ message: 'digits only' });
  return NEVER;
});

describe('valibot → JSON Schema', () => {
  it('reads trimmed strings by their checks', () => {
    expect(requestSchema(v.pipe(v.string(), v.trim(), v.nonEmpty(), v.maxLength(10)), 'test')).toEqual({ type: 'string', minLength: 1, maxLength: 10 });
  });

  it('says a custom check in words rather than dropping it', () => {
    const schema = v.pipe(v.number(), v.check((value) => value % 7 === 0, 'a multiple of seven'));
    expect(requestSchema(schema, 'test')).toEqual({ type: 'number', description: 'Also checked by the gateway: "a multiple of seven".' });
  });

  it('references the shared fields as components', () => {
    expect(requestSchema(v.object({ phone: vietnameseMobile, at: v.optional(isoDateTime) }), 'test')).toEqual({
      type: 'object',
      properties: { phone: { $ref: '#/components/schemas/VietnameseMobile' }, at: { $ref: '#/components/schemas/IsoDateTime' } },
      required: ['phone'],
    });
  });

  it('fails the build on what it cannot convert, naming nothing silently', () => {
    expect(() => responseSchema(v.object({ at: v.date() }))).toThrow(/"date" schema cannot be converted/);
  });

  it('refuses a field whose rules hide in a custom transform, naming it', () => {
    const body = v.object({ contact: v.object({ phone: v.pipe(v.string(), parsePhone) }) });
    expect(() => assertDescribable(body, 'test/op')).toThrow(/test\/op: the rules of contact\.phone sit in a custom transform/);
    expect(() => requestSchema(v.object({ limit: v.pipe(v.string(), v.transform(Number), v.maxValue(200)) }), 'q')).toThrow(/limit/);
  });

  it('accepts such a field once it carries a description before the transform', () => {
    const phone = v.pipe(v.string(), v.description('Digits of a phone number'), parsePhone);
    expect(requestSchema(v.object({ phone }), 'test')).toEqual({
      type: 'object',
      properties: { phone: { type: 'string', description: 'Digits of a phone number' } },
      required: ['phone'],
    });
  });

  it('accepts a transform that only reshapes what was checked', () => {
    const since = v.pipe(isoDateTime, v.transform((value: string) => Date.parse(value)));
    expect(() => assertDescribable(v.object({ since: v.optional(since) }), 'test')).not.toThrow();
  });
});

describe('query parameters', () => {
  const query = v.object({
    status: v.optional(v.picklist(['queued', 'dead'])),
    q: v.pipe(v.string(), v.maxLength(200)),
    limit: v.optional(v.pipe(v.string(), v.regex(/^\d{1,3}$/), v.description('Page size, 1-200'), v.transform(Number), v.minValue(1), v.maxValue(200)), '50'),
  });

  it('has one parameter per entry, required unless optional, with its description', () => {
    expect(queryParameters(query, 'test')).toEqual([
      { name: 'status', in: 'query', required: false, schema: { type: 'string', enum: ['queued', 'dead'] } },
      { name: 'q', in: 'query', required: true, schema: { type: 'string', maxLength: 200 } },
      { name: 'limit', in: 'query', required: false, description: 'Page size, 1-200', schema: { type: 'string', pattern: '^\\d{1,3}$', default: '50' } },
    ]);
  });

  it('feeds the admin paths once the admin schemas are given', () => {
    const paths = adminPaths({ listQuery: query, replayBody: v.object({ dryRun: v.optional(v.boolean(), false) }) });
    expect(paths['/admin/v1/messages']?.get?.parameters?.map((parameter) => ('name' in parameter ? parameter.name : ''))).toEqual(['status', 'q', 'limit']);
    expect(paths['/admin/v1/replay']?.post?.requestBody?.content['application/json']?.schema).toEqual({
      type: 'object',
      properties: { dryRun: { type: 'boolean', default: false } },
    });
    expect(adminPaths({})['/admin/v1/messages']?.get?.parameters).toBeUndefined();
  });
});
