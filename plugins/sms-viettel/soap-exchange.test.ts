import axios, { type AxiosAdapter } from 'axios';
import { createClientAsync, type IOptions } from 'soap';
import { describe, expect, it } from 'vitest';
import { WSDL_PATH, type MtRequest } from './client.ts';
import { run } from './send.ts';
import { context, input, mtAnswer, viettelAnswering, xml } from './test-support/msw-viettel.ts';
import { useMswServer } from '../../core/sdk/testing.ts';

const server = useMswServer();

/** What node-soap's own client sends for `args`: its envelope and headers, caught before they leave. */
async function nodeSoapSends(args: MtRequest): Promise<{ body: string; soapAction: string | undefined }> {
  let sent: { body: string; soapAction: string | undefined } | undefined;
  const adapter: AxiosAdapter = async (config) => {
    sent = { body: String(config.data), soapAction: config.headers.get('SOAPAction')?.toString() };
    return { data: mtAnswer(1, 'Insert MT_QUEUE: OK'), status: 200, statusText: 'OK', headers: {}, config };
  };
  const request = axios.create({ adapter }) as unknown as IOptions['request'];
  const client = await createClientAsync(WSDL_PATH, { endpoint: 'http://sms.viettel.test:8009/bulkapi', request });
  await (Reflect.get(client, 'wsCpMtAsync') as (args: MtRequest) => Promise<unknown>).call(client, args);
  if (!sent) throw new Error('node-soap sent nothing');
  return sent;
}

/** The wsCpMt fields the plugin sends for `input` (the test config's account and RequestID 4711). */
function fieldsOf(body: string): MtRequest {
  const field = (name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(body)?.[1] ?? '';
  const names = ['User', 'Password', 'CPCode', 'RequestID', 'UserID', 'ReceiverID', 'ServiceID', 'CommandCode', 'Content', 'ContentType'] as const;
  const unescaped = (text: string) => text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
  return Object.fromEntries(names.map((name) => [name, unescaped(field(name))])) as unknown as MtRequest;
}

describe('sms-viettel SOAP exchange', () => {
  it("sends node-soap's own envelope and SOAPAction, byte for byte, call after call", async () => {
    const sent = viettelAnswering(server, () => xml(mtAnswer(1, 'Insert MT_QUEUE: OK')));
    await run(input, context());
    await run({ ...input, text: 'Hồ sơ "A" & <B> \'C\'' }, context());
    for (const request of sent) {
      const expected = await nodeSoapSends(fieldsOf(request.text));
      expect(request.text).toBe(expected.body);
      expect(request.headers.get('soapaction')).toBe(expected.soapAction);
      expect(request.headers.get('content-type')).toBe('text/xml; charset=utf-8');
    }
  });

  it('escapes a text that looks like CDATA, which node-soap would send as it is', async () => {
    const sent = viettelAnswering(server, () => xml(mtAnswer(1, 'Insert MT_QUEUE: OK')));
    await run({ ...input, text: '<![CDATA[x]]><Password>y</Password><![CDATA[z]]>' }, context());
    expect(sent[0]?.text).toContain('<Content>&lt;![CDATA[x]]&gt;&lt;Password&gt;y&lt;/Password&gt;&lt;![CDATA[z]]&gt;</Content>');
    expect(sent[0]?.text.match(/<Password>/g)).toHaveLength(1);
  });
});
