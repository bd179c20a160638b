/**
 * Test support for the msw tests of the SOAP client: a context against a fake Viettel endpoint, answers written
 * the way a JAX-WS service writes them, and a check of the envelope the plugin sent.
 */
import { randomBytes } from 'node:crypto';
import { http, HttpResponse } from 'msw';
import type { SetupServer } from 'msw/node';
import { expect } from 'vitest';
import { Secret, type OperationContext } from '../../../core/sdk/index.ts';
import type { ViettelConfig } from '../config.ts';
import { testConfig } from './config.ts';
import { type ConfigOverrides, recordRequests, type SentRequest, testOperationContext } from '../../../core/sdk/testing.ts';
export { failure } from '../../../core/sdk/testing.ts';

export const endpoint = 'http://sms.viettel.test:8009/bulkapi';
// XML-special characters: the envelope must escape them, and no error may show them.
export const password = `pw&<${randomBytes(8).toString('hex')}>`;
export const escapedPassword = password.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
export const receiver = '84981234567';
export const text = 'Hồ sơ của ông Đặng Văn Ấn đã được tiếp nhận';
export const input = { agency: '000.00.01.H22', to: receiver, text, unicode: false, reference: 'H22.99-261121-0001' };

/** The config of an account at the fake endpoint, with the password above. */
export function config(overrides: ConfigOverrides<ViettelConfig> = {}): ViettelConfig {
  return testConfig({ endpoint, password: new Secret(password), ...overrides });
}

export function context(overrides: Partial<OperationContext<ViettelConfig>> = {}, configOverrides: ConfigOverrides<ViettelConfig> = {}) {
  const operation = { instance: 'sms-hue', config: config(configOverrides), agency: input.agency, messageId: 'msg_01SMS', sequence: 4711 };
  // As the worker sets it: a later attempt may follow one that reached the provider.
  return testOperationContext(operation, { triedBefore: (overrides.attempt ?? 1) > 1, ...overrides });
}

/** An answer as a JAX-WS (Metro) service writes it: its own prefixes, unqualified children. */
export const envelope = (body: string) =>
  `<?xml version='1.0' encoding='UTF-8'?><S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/"><S:Body>${body}</S:Body></S:Envelope>`;
const xmlText = (value: string) => value.replace(/&/g, '&amp;').replace(/</g, '&lt;');
export const mtAnswer = (result: number, message: string) =>
  envelope(`<ns2:wsCpMtResponse xmlns:ns2="http://impl.bulkSms.ws/"><return><message>${xmlText(message)}</message><result>${result}</result></return></ns2:wsCpMtResponse>`);
export const xml = (body: string, status = 200, headers: Record<string, string> = {}) =>
  new HttpResponse(body, { status, headers: { 'content-type': 'text/xml; charset=utf-8', ...headers } });

/** Answers every POST to the endpoint with `answer` and keeps what was sent. */
export function viettelAnswering(server: SetupServer, answer: () => Response | Promise<Response>): SentRequest[] {
  const envelopes = recordRequests();
  server.use(
    http.post(endpoint, async ({ request }) => {
      await envelopes.record(request);
      return answer();
    }),
  );
  return envelopes.sent;
}


/** The envelope's parts, checked for namespaces on the way: SOAP 1.1, the wrapper in the service's namespace. */
export function parseEnvelope(body: string, wrapper: string) {
  const start = /^<\?xml version="1\.0" encoding="utf-8"\?><(\w+):Envelope ([^>]*)>/.exec(body);
  expect(start, 'an XML declaration and a prefixed Envelope').not.toBeNull();
  const [, soap = '', declarations = ''] = start ?? [];
  expect(declarations).toContain(`xmlns:${soap}="http://schemas.xmlsoap.org/soap/envelope/"`);
  const inBody = new RegExp(`<${soap}:Body><(\\w+):${wrapper}( [^>]*)?>(.*)</\\1:${wrapper}></${soap}:Body></${soap}:Envelope>$`).exec(body);
  expect(inBody, `a ${wrapper} wrapper alone in the Body`).not.toBeNull();
  const [, prefix = '', wrapperDeclarations = '', children = ''] = inBody ?? [];
  expect(`${declarations} ${wrapperDeclarations}`).toContain(`xmlns:${prefix}="http://impl.bulkSms.ws/"`);
  // No default namespace anywhere: the children must stay unqualified.
  expect(body).not.toMatch(/xmlns="/);
  return { children };
}
