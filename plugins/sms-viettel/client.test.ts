import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { testHttpClient } from '../../core/sdk/testing.ts';
import { useMswServer } from '../../core/sdk/testing.ts';
import { WSDL_PATH, clientFor } from './client.ts';

// No handlers: any request (a WSDL fetched from the network, say) fails the test.
useMswServer();

const target = (overrides: Partial<Parameters<typeof clientFor>[0]> = {}) => ({
  instance: 'sms-hue',
  endpoint: 'http://sms.viettel.test:8009/bulkapi',
  http: testHttpClient({ timeoutMs: 1000, maxSockets: 1 }),
  signal: new AbortController().signal,
  ...overrides,
});

describe('sms-viettel client', () => {
  it('ships a WSDL of CcApi, document/literal, with the operations the plugin calls', () => {
    const wsdl = readFileSync(WSDL_PATH, 'utf8');
    expect(wsdl).toContain('targetNamespace="http://impl.bulkSms.ws/"');
    expect(wsdl).toMatch(/<service name="CcApi">\s*<port name="CcApiPort" binding="tns:CcApiPortBinding">/);
    expect(wsdl).toContain('style="document"');
    for (const operation of ['wsCpMt', 'wsCpMtRegDlr', 'checkBalance']) expect(wsdl).toContain(`<operation name="${operation}">`);
  });

  it('makes the client from the shipped file, without a request, and describes the service from it', async () => {
    const client = await clientFor(target());
    const description = client.describe() as { CcApi: { CcApiPort: Record<string, { input: Record<string, string> }> } };
    expect(Object.keys(description.CcApi.CcApiPort)).toEqual(['wsCpMt', 'wsCpMtRegDlr', 'checkBalance']);
    expect(Object.keys(description.CcApi.CcApiPort.wsCpMt?.input ?? {}).slice(0, 10)).toEqual([
      'User', 'Password', 'CPCode', 'RequestID', 'UserID', 'ReceiverID', 'ServiceID', 'CommandCode', 'Content', 'ContentType',
    ]);
  });

  it('keeps one client per instance and endpoint', async () => {
    const first = target();
    expect(clientFor(first)).toBe(clientFor({ ...first, signal: new AbortController().signal }));
    expect(clientFor(first)).not.toBe(clientFor({ ...first, endpoint: 'http://sms2.viettel.test/bulkapi' }));
    expect(clientFor(first)).not.toBe(clientFor({ ...first, instance: 'sms-hue-2' }));
    expect(clientFor(first)).not.toBe(clientFor(target()));
  });
});
