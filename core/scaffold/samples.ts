/**
 * What a scaffolded plugin is generated with, per capability: for each operation, the output schema it checks the
 * provider's answer with, a request its tests send, and what its simulator answers (valid for the capability).
 */
export interface ScaffoldOperation {
  name: string;
  /** The capability's output schema, as exported by core/capabilities/<capability>.ts. */
  output: string;
  /** The answer is a file: the provider sends it base64-encoded, the plugin hands on its bytes. */
  binary?: boolean;
  /** A request body the tests send (the agency is added). */
  input: Record<string, unknown>;
  /** The simulator's `data` for that request (JSON): valid against the output schema. */
  answer: Record<string, unknown>;
}

const DOSSIER = '000.00.01.H22-261207-0001';

export const SCAFFOLD_OPERATIONS: Record<'sms' | 'payment' | 'ecard' | 'portal', ScaffoldOperation[]> = {
  sms: [
    {
      name: 'send',
      output: 'smsSendOutput',
      input: { to: '0981234567', text: `Ho so ${DOSSIER} da duoc tiep nhan.`, reference: DOSSIER },
      answer: { providerMessage: 'Accepted', providerCode: '00', providerMessageId: 'SIM-0001', segments: 1 },
    },
  ],
  payment: [
    {
      name: 'create',
      output: 'paymentCreateOutput',
      input: { dossierCode: DOSSIER, amount: 50_000, description: 'Le phi ho so' },
      answer: { paymentId: 'PAY-0001', paymentUrl: 'https://pay.provider.example/PAY-0001', expiresAt: '2026-12-08T09:30:00+07:00' },
    },
    {
      name: 'query',
      output: 'paymentQueryOutput',
      input: { paymentId: 'PAY-0001' },
      answer: { paymentId: 'PAY-0001', status: 'paid', amount: 50_000, paidAt: '2026-12-07T09:35:00+07:00', providerReference: 'FT0001' },
    },
  ],
  ecard: [
    {
      name: 'lookup',
      output: 'enterpriseProfile',
      input: { taxCode: '0100233488' },
      answer: { source: 'ecard', taxCode: '0100233488', name: 'Cong ty TNHH Mau', status: 'active' },
    },
    {
      name: 'verify',
      output: 'ecardVerifyOutput',
      input: { cardNumber: 'EC-0100233488', pin: '1234' },
      answer: { verified: true, locked: false },
    },
    {
      name: 'documents',
      output: 'ecardDocumentsOutput',
      input: { cardNumber: 'EC-0100233488' },
      answer: {
        cardNumber: 'EC-0100233488',
        documents: [{ id: 'DOC-1', type: 'business-registration', title: 'Giay chung nhan dang ky doanh nghiep', sha256: '' }],
      },
    },
    {
      name: 'document',
      output: 'ecardDocumentOutput',
      binary: true,
      input: { cardNumber: 'EC-0100233488', documentId: 'DOC-1' },
      answer: { contentType: 'application/pdf', filename: 'DOC-1.pdf', base64: '' },
    },
  ],
  portal: [
    {
      name: 'syncDossier',
      output: 'portalAnswer',
      input: {
        dossier: {
          code: DOSSIER,
          procedureCode: '1.001234',
          applicant: { name: 'Nguyen Van A', type: 'citizen' },
          receivedAt: '2026-12-07T08:00:00+07:00',
          status: 1,
        },
      },
      answer: { code: '0', message: 'OK' },
    },
    {
      name: 'updateProgress',
      output: 'portalAnswer',
      input: {
        dossierCode: DOSSIER,
        entries: [{ handler: 'Can bo tiep nhan', handledAt: '2026-12-07T08:05:00+07:00', content: 'Tiep nhan ho so', status: 2 }],
      },
      answer: { code: '0', message: 'OK' },
    },
    {
      name: 'lookupDossier',
      output: 'lookupDossierOutput',
      input: { dossierCode: DOSSIER },
      answer: { found: true, dossierCode: DOSSIER, status: 2 },
    },
    {
      name: 'listProcedures',
      output: 'listProceduresOutput',
      input: {},
      answer: { procedures: [{ code: '1.001234', name: 'Dang ky khai sinh' }] },
    },
  ],
};
