import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { capabilities, findOperation } from '../../capabilities/index.ts';
import { normaliseTaxCode, normaliseVietnameseMobile } from '../../capabilities/identifiers.ts';
import { idempotencyKeyOf } from '../request-hash.ts';
import { documentValidator } from './ajv.test-helper.ts';
import { buildOpenApiDocument } from './document.ts';

/**
 * The drift guard: for each operation, bodies the valibot schema accepts the document's JSON Schema accepts too,
 * and bodies valibot refuses it refuses. A new operation without a line here fails the first test.
 */
const agency = '000.00.01.H22';
const dossier = {
  code: '000.00.01.H22-260301-0001',
  procedureCode: '1.004227',
  applicant: { name: 'Nguyễn Văn An', type: 'citizen', idNumber: '046095001234', phone: '0981234567' },
  receivedAt: '2026-03-01T08:00:00+07:00',
  status: 1,
  fees: [{ name: 'Lệ phí', amount: 50_000 }],
  submittedFiles: [{ id: 'f1', name: 'Đơn đề nghị.pdf', deleted: false }],
};
const progress = { handler: 'Trần Thị Bình', handledAt: '2026-03-02T10:15:00+07:00', content: 'Đã tiếp nhận', status: 2 };

const samples: Record<string, { valid: unknown[]; invalid: Array<[unknown, string]> }> = {
  'sms/send': {
    valid: [
      { agency, to: '0981234567', text: 'Hồ sơ đã có kết quả' },
      { agency, to: '+84 98 123 4567', text: 'x', unicode: true, reference: 'HS-1' },
    ],
    invalid: [
      [{ agency, to: 'not a phone', text: 'x' }, 'to is not a phone number'],
      [{ agency, to: '0981234567' }, 'text missing'],
      [{ agency, to: '0981234567', text: 'x', unicode: 'yes' }, 'unicode not a boolean'],
    ],
  },
  'payment/create': {
    valid: [
      {
        agency,
        dossierCode: 'HS-1',
        amount: 50_000,
        description: 'Lệ phí',
        payer: { name: 'An', email: 'an@example.vn' },
        returnUrl: 'https://motcua.example.gov.vn/thanh-toan',
      },
      { agency, dossierCode: 'HS-1', amount: 1, description: 'x', payer: { email: "o'brien@example.com" } },
      { agency, dossierCode: 'HS-1', amount: 1, description: 'x', payer: { email: '"a"@b.vn' } },
    ],
    invalid: [
      [{ agency, dossierCode: 'HS-1', amount: 12.5, description: 'x' }, 'amount not whole VND'],
      [{ agency, dossierCode: 'HS-1', amount: 0, description: 'x' }, 'amount below 1'],
      [{ agency, dossierCode: 'HS-1', amount: 1, description: 'x', payer: { email: 'not an address' } }, 'e-mail'],
      [{ agency, dossierCode: 'HS-1', amount: 1, description: 'x', payer: { email: 'an@localhost' } }, 'e-mail without a dot in the domain'],
      [{ agency, dossierCode: 'HS-1', amount: 1, description: 'x', payer: { email: '""@example.vn' } }, 'e-mail with an empty quoted local part'],
    ],
  },
  'payment/query': {
    valid: [{ agency, paymentId: 'PAY-1' }],
    invalid: [[{ agency, paymentId: '' }, 'empty paymentId']],
  },
  'ecard/lookup': {
    valid: [{ agency, cardNumber: 'EC-123456' }, { agency, taxCode: '0314409058-002' }],
    invalid: [
      [{ agency }, 'neither cardNumber nor taxCode'],
      [{ agency, taxCode: '01002334AB' }, 'letters in a tax code'],
    ],
  },
  'ecard/verify': {
    valid: [{ agency, cardNumber: 'EC-123456', pin: '1234' }, { agency, cardNumber: 'EC-123456', otp: '123456' }],
    invalid: [
      [{ agency, cardNumber: 'EC-123456', pin: '1234', otp: '123456' }, 'both pin and otp'],
      [{ agency, cardNumber: 'EC-123456' }, 'neither pin nor otp'],
    ],
  },
  'ecard/documents': {
    valid: [{ agency, cardNumber: 'EC-123456' }],
    invalid: [[{ agency, cardNumber: 'x' }, 'card number too short']],
  },
  'ecard/document': {
    valid: [{ agency, cardNumber: 'EC-123456', documentId: 'DOC-1' }],
    invalid: [[{ agency, cardNumber: 'EC-123456' }, 'documentId missing']],
  },
  'portal/syncDossier': {
    valid: [{ agency, dossier }],
    invalid: [
      [{ agency, dossier: { ...dossier, status: 11 } }, 'status outside 1-10'],
      [{ agency, dossier: { ...dossier, receivedAt: '2026-03-01 08:00' } }, 'date-time without a zone'],
    ],
  },
  'portal/updateProgress': {
    valid: [{ agency, dossierCode: dossier.code, entries: [progress] }],
    invalid: [[{ agency, dossierCode: dossier.code, entries: [] }, 'no entries']],
  },
  'portal/lookupDossier': {
    valid: [{ agency, dossierCode: dossier.code }],
    invalid: [[{ agency: '', dossierCode: dossier.code }, 'empty agency']],
  },
  'portal/listProcedures': {
    valid: [{ agency }, { agency, procedureCode: '1.004227' }],
    invalid: [[{ agency, procedureCode: 'x'.repeat(51) }, 'procedureCode too long']],
  },
};

const document = buildOpenApiDocument();
const validator = documentValidator(document);
const pascal = (name: string) => name.charAt(0).toUpperCase() + name.slice(1);
const inputComponent = (route: string) => route.split('/').map(pascal).join('') + 'Input';

describe('request bodies: valibot and the document agree', () => {
  it('has samples for every operation callers may call', () => {
    const callable = Object.entries(capabilities).flatMap(([capability, spec]) =>
      Object.entries(spec.operations)
        .filter(([, operation]) => !operation.internal)
        .map(([name]) => `${capability}/${name}`),
    );
    expect(Object.keys(samples).sort()).toEqual(callable.sort());
  });

  describe.each(Object.entries(samples))('%s', (route, { valid, invalid }) => {
    const [capability = '', operation = ''] = route.split('/');
    const spec = findOperation(capability, operation);
    if (!spec) throw new Error(`no operation ${route}`);

    it.each(valid.map((body, index) => [index, body] as const))('accepts valid body %i in both', (_, body) => {
      expect(v.safeParse(spec.input, body).success).toBe(true);
      const result = validator.component(inputComponent(route), body);
      expect(result.valid, result.errors).toBe(true);
    });

    it.each(invalid)('refuses in both: %j (%s)', (body) => {
      expect(v.safeParse(spec.input, body).success).toBe(false);
      expect(validator.component(inputComponent(route), body).valid).toBe(false);
    });
  });
});

describe('fields validated in a custom transform', () => {
  const valibotValid = (normalise: (raw: string) => string | undefined) => (raw: string) => normalise(raw) !== undefined;

  it.each(['0981234567', '+84981234567', '84981234567', '098 123 4567', '098.123.4567', '+84-91-234-5678', '(+84) 981 234 567'])(
    'VietnameseMobile: %s passes both',
    (raw) => {
      expect(valibotValid(normaliseVietnameseMobile)(raw)).toBe(true);
      expect(validator.component('VietnameseMobile', raw).valid).toBe(true);
    },
  );

  it.each(['981234567', '09812345678', '098123456a', '+1 415 555 0100', ''])('VietnameseMobile: %s fails both', (raw) => {
    expect(valibotValid(normaliseVietnameseMobile)(raw)).toBe(false);
    expect(validator.component('VietnameseMobile', raw).valid).toBe(false);
  });

  it('leaves the carrier prefix to the words of the description', () => {
    expect(normaliseVietnameseMobile('0111234567')).toBeUndefined();
    expect(validator.component('VietnameseMobile', '0111234567').valid).toBe(true);
    expect(document.components.schemas.VietnameseMobile?.description).toMatch(/carrier prefix/);
  });

  it.each(['0100233488', '0314409058-002', '0314409058002', '0314409058 - 002'])('TaxCode: %s passes both', (raw) => {
    expect(valibotValid(normaliseTaxCode)(raw)).toBe(true);
    expect(validator.component('TaxCode', raw).valid).toBe(true);
  });

  it.each(['010023348', '01002334881', '01002334AB', '0314409058--002'])('TaxCode: %s fails both', (raw) => {
    expect(valibotValid(normaliseTaxCode)(raw)).toBe(false);
    expect(validator.component('TaxCode', raw).valid).toBe(false);
  });
});

describe('the Idempotency-Key header', () => {
  const schema = document.components.parameters.IdempotencyKey?.schema ?? {};

  it.each(['a', 'order-2026-03-01/0001', '~!@#$%^&*()_+', 'k'.repeat(255), '', 'has space', 'k'.repeat(256), 'khóa', 'tab\there'])(
    '%j: the document agrees with the gateway',
    (key) => {
      expect(validator.inline(schema, key).valid).toBe(!(idempotencyKeyOf(key) instanceof Error));
    },
  );
});
