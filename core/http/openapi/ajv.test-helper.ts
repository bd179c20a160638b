/**
 * Test support: validates values against the document's JSON Schemas with ajv (draft 2020-12 and its formats),
 * resolving `#/components/schemas/…` references inside the document.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { OpenApiDocument } from './types.ts';

const DOCUMENT_ID = 'urn:lienthong:openapi';

export function documentValidator(document: OpenApiDocument) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats.default(ajv);
  ajv.addSchema({ $id: DOCUMENT_ID, components: document.components });
  const compiled = new Map<string, ReturnType<typeof ajv.compile>>();
  const validate = (pointer: string, value: unknown) => {
    let check = compiled.get(pointer);
    if (!check) {
      check = ajv.compile({ $ref: `${DOCUMENT_ID}${pointer}` });
      compiled.set(pointer, check);
    }
    const valid = check(value);
    return { valid, errors: ajv.errorsText(check.errors) };
  };
  return {
    /** `component` names one of `components.schemas`. */
    component: (component: string, value: unknown) => validate(`#/components/schemas/${component}`, value),
    /** A schema written inline (it may hold `#/components/…` references). */
    inline: (schema: object, value: unknown) => {
      const check = ajv.compile({ $id: `${DOCUMENT_ID}:inline:${compiled.size}`, ...schema, components: document.components });
      compiled.set(`inline:${compiled.size}`, check);
      return { valid: check(value), errors: ajv.errorsText(check.errors) };
    },
  };
}
