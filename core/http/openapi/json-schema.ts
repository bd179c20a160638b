import { type ConversionConfig, type OverrideActionContext, toJsonSchema, toJsonSchemaDefs } from '@valibot/to-json-schema';
import type * as v from 'valibot';
import { CROSS_FIELD_RULES, NAMED_SCHEMAS, NAMED_SCHEMA_NOTES, type NamedSchema } from './named-schemas.ts';
import type { JsonSchema, Parameter } from './types.ts';

/**
 * valibot → JSON Schema (draft 2020-12, OpenAPI 3.1's dialect). A request is described as the caller writes it
 * (`typeMode: 'input'`), an answer as the gateway sends it (`'output'`). Anything the converter cannot read makes
 * the build throw (`errorMode: 'throw'`), except the two actions handled deliberately in `describeAction`.
 */
const base = {
  target: 'draft-2020-12',
  errorMode: 'throw',
  overrideAction: describeAction,
  overrideRef: ({ referenceId }) => `#/components/schemas/${referenceId}`,
} satisfies ConversionConfig;

/** The JSON Schema of a request body (or a query parameter), with shared fields as `$ref`s to their components. */
export function requestSchema(schema: v.GenericSchema, where: string): JsonSchema {
  assertDescribable(schema, where);
  const converted = tidy(toJsonSchema(schema, { ...base, typeMode: 'input', definitions: NAMED_SCHEMAS }));
  return { ...converted, ...CROSS_FIELD_RULES.get(schema) };
}

/** The JSON Schema of what the gateway answers. */
export function responseSchema(schema: v.GenericSchema): JsonSchema {
  return tidy(toJsonSchema(schema, { ...base, typeMode: 'output' }));
}

/** The shared field components (`AgencyCode`, `VietnameseMobile`, …). */
export function namedSchemaComponents(): Record<NamedSchema, JsonSchema> {
  const converted = toJsonSchemaDefs(NAMED_SCHEMAS, { ...base, typeMode: 'input' });
  const components = {} as Record<NamedSchema, JsonSchema>;
  for (const name of Object.keys(NAMED_SCHEMAS) as NamedSchema[]) {
    components[name] = tidy({ ...converted[name], ...NAMED_SCHEMA_NOTES[name] });
  }
  return components;
}

/** A valibot object's entries as OpenAPI query parameters (values arrive as strings: describe them so). */
export function queryParameters(schema: { readonly entries: v.ObjectEntries }, where: string): Parameter[] {
  return Object.entries(schema.entries).map(([name, entry]) => {
    const { description, ...entrySchema } = requestSchema(entry, `${where} ?${name}`);
    const optional = entry.type === 'optional' || entry.type === 'exact_optional' || entry.type === 'nullish';
    return { name, in: 'query' as const, required: !optional, ...(description ? { description } : {}), schema: entrySchema };
  });
}

/** Trimming is normalisation, not a constraint; a `check` is a rule JSON Schema cannot state, so it is said in words. */
function describeAction({ valibotAction, jsonSchema }: OverrideActionContext): JsonSchema | undefined {
  if (valibotAction.type === 'trim') return jsonSchema;
  if (valibotAction.type !== 'check') return undefined;
  const message = 'message' in valibotAction && typeof valibotAction.message === 'string' ? valibotAction.message : undefined;
  const note = message ? `Also checked by the gateway: "${message}".` : 'Also checked by a rule of the gateway.';
  return { ...jsonSchema, description: jsonSchema.description ? `${jsonSchema.description} ${note}` : note };
}

/** Drops what belongs to a stand-alone schema (`$schema`, `$defs`: the shared fields are components) and empty `required`. */
function tidy(schema: JsonSchema): JsonSchema {
  const { $schema: _dialect, $defs: _definitions, ...rest } = schema;
  return JSON.parse(JSON.stringify(rest, (key, value: unknown) => (key === 'required' && Array.isArray(value) && value.length === 0 ? undefined : value)));
}

type PipeItem = { readonly kind: string; readonly type: string; readonly pipe?: readonly PipeItem[] };

/** Transformations at which `typeMode: 'input'` stops reading a pipe (those of the converter's list the gateway could use). */
const INPUT_STOPS = new Set(['raw_transform', 'transform', 'to_number', 'to_boolean', 'to_date', 'to_string', 'to_bigint', 'parse_json']);

/**
 * Refuses a request schema whose rules the document would silently leave out: a `rawTransform` (it may reject
 * what the JSON Schema lets through) or checks after a transform. Such a field is named in `NAMED_SCHEMAS` with
 * words of its own, or carries a `v.description(…)` before the transform.
 */
export function assertDescribable(schema: v.GenericSchema, where: string): void {
  const hidden = hiddenRules(schema, '');
  if (hidden.length > 0) {
    throw new Error(
      `openapi: ${where}: the rules of ${hidden.map((path) => path || '(the body)').join(', ')} sit in a custom transform the document cannot show; ` +
        'add a v.description(…) before the transform, or name the schema in core/http/openapi/named-schemas.ts',
    );
  }
}

const NAMED = new Set<unknown>(Object.values(NAMED_SCHEMAS));

function hiddenRules(schema: v.GenericSchema, path: string): string[] {
  if (NAMED.has(schema)) return [];
  const found: string[] = [];
  if ('pipe' in schema && Array.isArray(schema.pipe)) {
    const pipe = flatten(schema.pipe);
    const stop = pipe.findIndex((item, index) => index > 0 && item.kind === 'transformation' && INPUT_STOPS.has(item.type));
    if (stop > 0) {
      const hides = pipe[stop]?.type === 'raw_transform' || pipe.slice(stop + 1).some((item) => item.kind === 'validation');
      const described = pipe.slice(0, stop).some((item) => item.type === 'description' || item.type === 'metadata');
      if (hides && !described) found.push(path);
    }
  }
  for (const [key, child] of children(schema)) found.push(...hiddenRules(child, joinPath(path, key)));
  return found;
}

const joinPath = (path: string, key: string) => (!key ? path : key === '[]' ? `${path}[]` : path ? `${path}.${key}` : key);

function flatten(pipe: readonly PipeItem[]): PipeItem[] {
  return pipe.flatMap((item) => (item.pipe ? flatten(item.pipe) : [item]));
}

const isSchema = (value: unknown): value is v.GenericSchema =>
  typeof value === 'object' && value !== null && 'kind' in value && value.kind === 'schema';

/** The schemas inside a schema, each with the path segment that leads to it ('' when the value itself). */
function children(schema: v.GenericSchema): Array<[string, v.GenericSchema]> {
  const found: Array<[string, v.GenericSchema]> = [];
  const add = (key: string, value: unknown) => {
    if (isSchema(value)) found.push([key, value]);
  };
  if ('pipe' in schema && Array.isArray(schema.pipe)) add('', schema.pipe[0]);
  else {
    if ('entries' in schema && typeof schema.entries === 'object' && schema.entries !== null) {
      for (const [key, entry] of Object.entries(schema.entries)) add(key, entry);
    }
    if ('wrapped' in schema) add('', schema.wrapped);
    if ('item' in schema) add('[]', schema.item);
    if ('value' in schema) add('*', schema.value);
    if ('rest' in schema) add('*', schema.rest);
    for (const list of ['options', 'items'] as const) {
      if (list in schema) {
        const members: unknown = Reflect.get(schema, list);
        if (Array.isArray(members)) members.forEach((member, index) => add(String(index), member));
      }
    }
  }
  return found;
}
