import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { useMswServer } from '../../core/sdk/testing.ts';
import { WSDL_PATH, wsdlClient } from './client.ts';

// No handlers: any request (a WSDL fetched from the network, say) fails the test.
useMswServer();

describe('sms-viettel client', () => {
  it('ships a WSDL of CcApi, document/literal, with the operations the plugin calls', () => {
    const wsdl = readFileSync(WSDL_PATH, 'utf8');
    expect(wsdl).toContain('targetNamespace="http://impl.bulkSms.ws/"');
    expect(wsdl).toMatch(/<service name="CcApi">\s*<port name="CcApiPort" binding="tns:CcApiPortBinding">/);
    expect(wsdl).toContain('style="document"');
    for (const operation of ['wsCpMt', 'wsCpMtRegDlr', 'checkBalance']) expect(wsdl).toContain(`<operation name="${operation}">`);
  });

  it('reads the shipped file, without a request, and describes the service from it', async () => {
    const client = await wsdlClient();
    const description = client.describe() as { CcApi: { CcApiPort: Record<string, { input: Record<string, string> }> } };
    expect(Object.keys(description.CcApi.CcApiPort)).toEqual(['wsCpMt', 'wsCpMtRegDlr', 'checkBalance']);
    expect(Object.keys(description.CcApi.CcApiPort.wsCpMt?.input ?? {}).slice(0, 10)).toEqual([
      'User', 'Password', 'CPCode', 'RequestID', 'UserID', 'ReceiverID', 'ServiceID', 'CommandCode', 'Content', 'ContentType',
    ]);
  });

  it('reads it once for every instance and endpoint', () => {
    expect(wsdlClient()).toBe(wsdlClient());
  });
});
