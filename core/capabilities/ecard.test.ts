import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from '../http/openapi/document.ts';
import { ecardDocumentsOutput } from './ecard.ts';

/** `ecard/documents` answers no provider URL: each document points to the gateway's own `ecard/document`. */
describe('the answer of ecard/documents', () => {
  const sha256 = 'a'.repeat(64);

  it("drops a provider's link that a plugin would pass on", () => {
    const answer = v.parse(ecardDocumentsOutput, {
      cardNumber: 'TTH-EC-000101',
      documents: [{ id: 'DKDN-1', type: 'business-registration', title: 'Giấy chứng nhận', sha256, link: 'http://10.0.0.5/ecard/d/1', url: 'http://10.0.0.5/x' }],
    });
    expect(answer).toEqual({ cardNumber: 'TTH-EC-000101', documents: [{ id: 'DKDN-1', type: 'business-registration', title: 'Giấy chứng nhận', sha256 }] });
  });

  it('is documented without a link, naming ecard/document and its documentId', () => {
    const schema = buildOpenApiDocument().components.schemas.EcardDocumentsOutput as {
      description?: string;
      properties: { documents: { items: { properties: Record<string, { description?: string }>; required?: string[] } } };
    };
    const item = schema.properties.documents.items;
    expect(Object.keys(item.properties).sort()).toEqual(['id', 'issueDate', 'sha256', 'title', 'type']);
    expect(item.properties.id?.description).toContain('`documentId` to `POST /v1/ecard/document`');
    expect(schema.description).toContain('/v1/ecard/document');
  });
});
