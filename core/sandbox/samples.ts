/** A request per capability that works against the sandbox simulators, for the printed curl lines. */
export const sampleRequests: Record<string, { operation: string; body: Record<string, unknown> }> = {
  sms: {
    operation: 'send',
    body: { to: '0981234567', text: 'Ho so 000.00.01.H22-261121-0001 da duoc tiep nhan.', reference: '000.00.01.H22-261121-0001' },
  },
  payment: {
    operation: 'create',
    body: { dossierCode: '000.00.01.H22-261121-0001', amount: 50000, description: 'Le phi ho so' },
  },
  ecard: { operation: 'lookup', body: { taxCode: '0100233488' } },
  portal: { operation: 'listProcedures', body: {} },
};
