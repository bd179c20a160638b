/**
 * A request per capability that works against the sandbox simulators, for the printed curl lines; a dossier code is
 * the agency's own, as the one-stop software numbers them.
 */
export function sampleRequest(capability: string, agency: string): { operation: string; body: Record<string, unknown> } | undefined {
  const dossierCode = `${agency}-261121-0001`;
  switch (capability) {
    case 'sms':
      return { operation: 'send', body: { to: '0981234567', text: `Ho so ${dossierCode} da duoc tiep nhan.`, reference: dossierCode } };
    case 'payment':
      return { operation: 'create', body: { dossierCode, amount: 50000, description: 'Le phi ho so' } };
    case 'ecard':
      return { operation: 'lookup', body: { taxCode: '0100233488' } };
    case 'portal':
      return { operation: 'listProcedures', body: {} };
    default:
      return undefined;
  }
}
