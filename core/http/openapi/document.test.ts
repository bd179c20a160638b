import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { capabilities } from '../../capabilities/index.ts';
import { buildOpenApiDocument } from './document.ts';
import type { JsonSchema, Operation, Reference, Response } from './types.ts';

const document = buildOpenApiDocument();

const callable = Object.entries(capabilities).flatMap(([capability, spec]) =>
  Object.entries(spec.operations).map(([name, operation]) => ({ capability, name, operation, path: `/v1/${capability}/${name}` })),
);

const post = (path: string): Operation => {
  const operation = document.paths[path]?.post;
  if (!operation) throw new Error(`no POST ${path}`);
  return operation;
};

/** Follows a `#/components/…` reference, once. */
function resolve<T>(value: T | Reference): T {
  if (typeof value !== 'object' || value === null || !('$ref' in value) || typeof value.$ref !== 'string') return value as T;
  const [, , kind = '', name = ''] = value.$ref.split('/');
  const found: unknown = Reflect.get(Reflect.get(document.components, kind) as object, name);
  if (found === undefined) throw new Error(`unresolved ${value.$ref}`);
  return found as T;
}

const schemaOf = (response: Response | Reference, type = 'application/json') => resolve<JsonSchema>(resolve(response).content?.[type]?.schema ?? {});

describe('the OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(document) as unknown as Record<string, unknown>);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('has every reference resolve to a component', () => {
    const refs = JSON.stringify(document).match(/"\$ref":"[^"]+"/g) ?? [];
    expect(refs.length).toBeGreaterThan(20);
    for (const entry of new Set(refs)) expect(() => resolve({ $ref: entry.slice(8, -1) })).not.toThrow();
  });

  it('is the same document each time it is built', () => {
    expect(JSON.stringify(buildOpenApiDocument())).toBe(JSON.stringify(document));
  });
});

describe('capability operations', () => {
  it.each(callable.filter(({ operation }) => !operation.internal))('$path: POST, summary and tag from the spec', ({ capability, path, operation }) => {
    const described = post(path);
    expect(described.summary).toBe(operation.summary);
    expect(described.tags).toEqual([capability]);
    expect(described.parameters).toContainEqual({ $ref: '#/components/parameters/IdempotencyKey' });
    expect(described.security).toBeUndefined(); // the document's default: the API key
    expect(Object.keys(document.paths[path] ?? {})).toEqual(['post']);
    expect(described.responses).toMatchObject({ '400': {}, '401': {}, '403': {}, '404': {}, '413': {}, '422': {} });
    expect(resolve(described.responses['400']!).content).toHaveProperty(['application/problem+json', 'schema', '$ref'], '#/components/schemas/Problem');
  });

  it.each(callable.filter(({ operation }) => !operation.internal && operation.mode === 'async'))('$path: async → 202 { id, status: queued }', ({ path }) => {
    const { responses } = post(path);
    expect(Object.keys(responses)).not.toContain('200');
    const accepted = resolve(responses['202']!);
    expect(accepted.headers).toHaveProperty('Location');
    expect(schemaOf(accepted)).toMatchObject({ required: ['id', 'status'], properties: { status: { const: 'queued' } } });
    for (const status of ['409', '502', '504']) expect(responses).not.toHaveProperty(status);
    // A store that cannot write refuses to accept it.
    expect(responses['503']).toEqual({ $ref: '#/components/responses/StoreUnavailable' });
  });

  it.each(callable.filter(({ operation }) => !operation.internal && operation.mode === 'sync'))('$path: sync → 200, 409 and 502/503/504', ({ path, operation }) => {
    const { responses } = post(path);
    expect(Object.keys(responses)).not.toContain('202');
    const answer = resolve(responses['200']!);
    expect(Object.keys(answer.content ?? {})).toEqual([operation.binary ? 'application/octet-stream' : 'application/json']);
    for (const status of ['409', '502', '503', '504']) {
      expect(resolve(responses[status]!).content).toHaveProperty('application/problem+json');
    }
  });

  it('leaves internal operations out', () => {
    const internal = callable.filter(({ operation }) => operation.internal);
    expect(internal.map(({ path }) => path)).toEqual(['/v1/webhook/deliver']);
    for (const { path } of internal) expect(document.paths).not.toHaveProperty([path]);
    expect(Object.keys(document.paths).filter((path) => path.startsWith('/v1/webhook'))).toEqual([]);
    expect(document.tags.map((tag) => tag.name)).not.toContain('webhook');
  });

  it('describes sms/send: agency, to and text required; unicode and reference optional', () => {
    const input = resolve<JsonSchema>(post('/v1/sms/send').requestBody?.content['application/json']?.schema ?? {});
    expect(input.type).toBe('object');
    expect(input.required).toEqual(['agency', 'to', 'text']);
    expect(Object.keys(input.properties ?? {})).toEqual(['agency', 'to', 'text', 'unicode', 'reference']);
    expect(input.properties?.unicode).toEqual({ type: 'boolean', default: false });
    expect(input.properties?.reference).toEqual({ type: 'string', maxLength: 100 });
    expect(resolve<JsonSchema>(input.properties?.to as JsonSchema)).toMatchObject({
      type: 'string',
      description: expect.stringContaining('Vietnamese mobile number, e.g. 0981234567 or +84981234567'),
    });
  });

  it('describes the answer of a sync operation from its output schema', () => {
    const output = schemaOf(post('/v1/payment/create').responses['200']!);
    expect(output.required).toEqual(['paymentId', 'paymentUrl', 'expiresAt']);
    expect(Object.keys(output.properties ?? {})).toEqual(['paymentId', 'paymentUrl', 'qr', 'expiresAt']);
    const query = schemaOf(post('/v1/payment/query').responses['200']!);
    expect(query.properties?.status).toEqual({ type: 'string', enum: ['pending', 'paid', 'failed', 'expired'] });
  });

  it('says in words what a custom check adds, and the cross-field rules in JSON Schema', () => {
    const lookup = document.components.schemas.EcardLookupInput;
    expect(lookup?.description).toContain('give cardNumber or taxCode');
    expect(lookup?.anyOf).toEqual([{ required: ['cardNumber'] }, { required: ['taxCode'] }]);
    expect(document.components.schemas.IsoDateTime?.description).toMatch(/real date/);
    expect(document.components.schemas.TaxCode?.description).toMatch(/check digit/);
  });

  it('keeps the output schema of async operations, for the message result', () => {
    expect(document.components.schemas.SmsSendOutput?.required).toEqual(['providerMessage', 'segments']);
    expect(post('/v1/sms/send').description).toContain('SmsSendOutput');
  });
});

describe('errors and security', () => {
  it('has a Problem component with the RFC 9457 members', () => {
    const problem = document.components.schemas.Problem;
    expect(Object.keys(problem?.properties ?? {})).toEqual(['type', 'title', 'status', 'detail', 'instance', 'errors']);
    expect(problem?.required).toEqual(['type', 'title', 'status']);
    expect(problem?.properties?.errors).toMatchObject({ type: 'array', items: { required: ['path', 'message'] } });
  });

  it('asks for the bearer API key on /v1 and /admin/v1, not on callbacks, health, metrics or this document', () => {
    expect(document.components.securitySchemes.apiKey).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(document.components.securitySchemes.apiKey?.description).toBeTruthy();
    expect(document.info.description).toMatch(/`client`/);
    expect(document.info.description).toMatch(/`operator`/);
    expect(document.security).toEqual([{ apiKey: [] }]);
    for (const [path, item] of Object.entries(document.paths)) {
      for (const operation of Object.values(item)) {
        const isPublic = !path.startsWith('/v1/') && !path.startsWith('/admin/v1/') || path.startsWith('/v1/callbacks/');
        expect(operation.security, path).toEqual(isPublic ? [] : undefined);
        if (!isPublic) expect(operation.responses, path).toHaveProperty('401');
      }
    }
  });

  it('documents the message view, the admin API and the service endpoints', () => {
    expect(schemaOf(document.paths['/v1/messages/{id}']?.get?.responses['200'] ?? { description: '' })).toHaveProperty('required', expect.arrayContaining(['id', 'status', 'attempts', 'result']));
    for (const path of ['/admin/v1/messages/{id}/replay', '/admin/v1/messages/{id}/cancel', '/admin/v1/replay', '/admin/v1/audit/verify']) {
      expect(post(path).tags).toEqual(['admin']);
    }
    for (const path of ['/admin/v1/messages', '/admin/v1/messages/{id}', '/admin/v1/instances', '/admin/v1/audit', '/healthz', '/readyz', '/metrics']) {
      expect(document.paths[path]?.get, path).toBeDefined();
    }
    expect(document.paths['/metrics']?.get?.responses['200']).toHaveProperty(['content', 'text/plain']);
  });
});
