import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PermanentError, RetryableError, Secret, type OperationContext, type RunningSimulator } from '../../../core/sdk/index.ts';
import { health } from '../health.ts';
import { WSDL_PATH } from '../client.ts';
import type { ViettelConfig } from '../config.ts';
import { run } from '../send.ts';
import { startViettelSimulator } from './server.ts';
import type { MtFields, ReceivedSms, RejectedSms, SimulatorAccount } from './service.ts';
import { testConfig } from '../test-support/config.ts';
import { failure, simulatorClient, testOperationContext, type SimulatorClient } from '../../../core/sdk/testing.ts';

const account: SimulatorAccount = {
  user: 'ubnd_test',
  password: randomBytes(12).toString('base64url'),
  cpCode: 'CP_TEST',
  brandname: 'UBND-TEST',
  commandCode: 'bulksms',
};
const input = { agency: '000.00.01.H22', to: '84981234567', text: 'Ho so HS-1 da duoc tiep nhan', unicode: false };

const logLines: string[] = [];
let simulator: RunningSimulator;
let controls: SimulatorClient;

beforeEach(async () => {
  logLines.length = 0;
  const log = pino({ level: 'info' }, { write: (line: string) => void logLines.push(line) });
  simulator = await startViettelSimulator({ host: '127.0.0.1', port: 0, log, account, balance: '12345678901234567.89' });
  controls = simulatorClient(simulator.url);
});
afterEach(() => simulator.close());

function config(overrides: Partial<ViettelConfig> = {}): ViettelConfig {
  const { user, password, cpCode, brandname } = account;
  return testConfig({ endpoint: `${simulator.url}/bulkapi`, user, password: new Secret(password), cpCode, brandname, ...overrides });
}

function context(overrides: Partial<OperationContext<ViettelConfig>> = {}, configOverrides: Partial<ViettelConfig> = {}) {
  const operation = { instance: 'sms-test', config: config(configOverrides), agency: input.agency, messageId: 'msg_01SIM', sequence: 1001 };
  // As the worker sets it: a later attempt may follow one that reached the provider.
  return testOperationContext(operation, { triedBefore: (overrides.attempt ?? 1) > 1, ...overrides });
}

const valid: MtFields = {
  User: account.user,
  Password: account.password,
  CPCode: account.cpCode,
  RequestID: '5001',
  UserID: '84981234567',
  ReceiverID: '84981234567',
  ServiceID: account.brandname,
  CommandCode: 'bulksms',
  Content: 'Ho so da duoc tiep nhan',
  ContentType: '0',
};

/** A wsCpMt request as public client stubs write it (prefix `impl`), posted with the given SOAPAction. */
async function postMt(fields: Partial<MtFields>, soapAction: string | undefined = '""') {
  const all = { ...valid, ...fields };
  const children = Object.entries(all)
    .map(([name, value]) => (value === undefined ? '' : `<${name}>${value.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</${name}>`))
    .join('');
  const body =
    '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" ' +
    `xmlns:impl="http://impl.bulkSms.ws/"><soapenv:Header/><soapenv:Body><impl:wsCpMt>${children}</impl:wsCpMt></soapenv:Body></soapenv:Envelope>`;
  const headers: Record<string, string> = { 'content-type': 'text/xml; charset=utf-8' };
  if (soapAction !== undefined) headers.soapaction = soapAction;
  const response = await fetch(`${simulator.url}/bulkapi`, { method: 'POST', headers, body });
  const xml = await response.text();
  return {
    status: response.status,
    xml,
    result: /<result>(-?\d+)<\/result>/.exec(xml)?.[1],
    message: /<message>([^<]*)<\/message>/.exec(xml)?.[1],
  };
}

const received = () => controls.received<ReceivedSms | RejectedSms>();

describe('Viettel simulator: the service', () => {
  it('serves the shipped WSDL at ?wsdl with soap:address pointing at itself', async () => {
    const response = await fetch(`${simulator.url}/bulkapi?wsdl`);
    expect(response.status).toBe(200);
    const served = await response.text();
    expect(served).toContain(`<soap:address location="${simulator.url}/bulkapi"/>`);
    const shipped = readFileSync(WSDL_PATH, 'utf8');
    expect(served.replace(/<soap:address location="[^"]*"\/>/, '')).toBe(shipped.replace(/<soap:address location="[^"]*"\/>/, ''));
  });

  it('accepts an SMS from the plugin and lists it once under its RequestID', async () => {
    await expect(run({ ...input, text: 'Hồ sơ HS-1 đã được tiếp nhận' }, context())).resolves.toEqual({
      providerMessage: 'Insert MT_QUEUE: OK',
      providerCode: '1',
      segments: 1,
      duplicate: false,
    });
    expect(await received()).toEqual([
      {
        requestId: '1001',
        receiverId: '84981234567',
        serviceId: 'UBND-TEST',
        content: 'Ho so HS-1 da duoc tiep nhan',
        contentType: '0',
        deliveries: 1,
        receivedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
      },
    ]);
  });

  it('answers DUPLICATE MESSAGE for a RequestID it already has, and counts the delivery', async () => {
    await run(input, context());
    await expect(run(input, context({ attempt: 2 }))).resolves.toMatchObject({ duplicate: true, providerMessage: 'Check ServiceID: DUPLICATE MESSAGE' });
    const error = await failure(run({ ...input, text: 'another message' }, context({ attempt: 1 })));
    expect(error).toBeInstanceOf(PermanentError);
    expect(await received()).toMatchObject([{ requestId: '1001', deliveries: 3 }]);
  });

  it('answers a Unicode SMS too, keeping its diacritics', async () => {
    await run({ ...input, unicode: true, text: 'Hồ sơ đã được tiếp nhận' }, context());
    expect(await received()).toMatchObject([{ content: 'Hồ sơ đã được tiếp nhận', contentType: '1' }]);
  });

  it.each<[string, Partial<MtFields>, string]>([
    ['no CP code', { CPCode: '' }, 'Authenticate: Cp_code: NULL_OR_BLANK'],
    ['no user', { User: undefined }, 'Authenticate: UserName: NULL_OR_BLANK'],
    ['no password', { Password: ' ' }, 'Authenticate: Password: NULL_OR_BLANK'],
    ['an unknown CP code', { CPCode: 'CP_OTHER' }, 'CP_CODE_NOT_FOUND'],
    ['a wrong password', { Password: 'guess' }, 'WRONG_INFORMATION_AUTHENTICATE'],
    ['a wrong user', { User: 'someone' }, 'WRONG_INFORMATION_AUTHENTICATE'],
    ['no RequestID', { RequestID: '' }, 'Check RequestID: NULL_OR_BLANK'],
    ['a non-numeric RequestID', { RequestID: 'msg_01ABC' }, 'Check RequestID: REQUEST_ID_NOT_NUMBER'],
    ['no UserID', { UserID: '' }, 'Check UserID: NULL_OR_BLANK'],
    ['no ReceiverID', { ReceiverID: undefined }, 'Check ReceiverID: NULL_OR_BLANK'],
    ['a domestic-format number', { UserID: '0981234567', ReceiverID: '0981234567' }, 'Check ReceiverID: FORMAT_ERROR'],
    ['UserID other than ReceiverID', { UserID: '84981234568' }, 'UserID_NOT_EQUAL_ReceiverID'],
    ['an unknown prefix', { UserID: '84111234567', ReceiverID: '84111234567' }, 'Unable to check telco from input receiver'],
    ['another brandname (Viettel number)', { ServiceID: 'UBND-OTHER' }, 'Check ServiceID: ALIAS_INVALID:TELCO=VT'],
    ['another brandname (Mobifone number)', { ServiceID: 'UBND-OTHER', UserID: '84901234567', ReceiverID: '84901234567' }, 'Check ServiceID: ALIAS_INVALID:TELCO=MB'],
    ['no command code', { CommandCode: '' }, 'Check CommandCode: NULL_OR_BLANK'],
    ['another command code', { CommandCode: 'sms' }, 'Check CommandCode: COMMAND_CODE_ERROR'],
    ['no content', { Content: '' }, 'Check Content: NULL_OR_BLANK'],
    ['too long a plain content', { Content: 'a'.repeat(1531) }, 'Check Content: MAXLENGTH_LIMIT_1530_BYTE (YOUR_CONTENT: 1531 BYTE)'],
    ['too long a Unicode content', { Content: 'ệ'.repeat(671), ContentType: '1' }, 'Check Content: MAXLENGTH_LIMIT_1340_BYTE (YOUR_CONTENT: 1342 BYTE)'],
    ['a blacklisted word', { Content: 'Khuyen mai CASINO hom nay' }, 'Check Content: MSG_ERROR_CONTAIN_BLACKLIST'],
  ])('refuses %s with result 0 and the documented string, and lists the refusal', async (_, fields, message) => {
    const answer = await postMt(fields);
    expect(answer).toMatchObject({ status: 200, result: '0', message });
    expect(await received()).toMatchObject([{ rejected: message }]);
    // A refused request does not use up its RequestID.
    expect(await postMt({})).toMatchObject({ result: '1', message: 'Insert MT_QUEUE: OK' });
  });

  it('refuses a wrong password sent by the plugin, which the plugin treats as permanent', async () => {
    const error = await failure(run(input, context({}, { password: new Secret('guess') })));
    expect(error).toBeInstanceOf(PermanentError);
    expect(error).toMatchObject({ code: 'WRONG_INFORMATION_AUTHENTICATE' });
    expect(error.message).not.toContain(account.password);
  });

  it.each([
    ['empty', '""'],
    ['empty, unquoted', ''],
    ['absent', undefined],
    ['the JAX-WS action', '"http://impl.bulkSms.ws/CcApi/wsCpMtRequest"'],
    ['the JAX-WS action, unquoted', 'http://impl.bulkSms.ws/CcApi/wsCpMtRequest'],
  ])('accepts SOAPAction %s', async (_, action) => {
    expect(await postMt({}, action)).toMatchObject({ status: 200, result: '1' });
  });

  it('refuses an unknown SOAPAction with a client fault', async () => {
    const answer = await postMt({}, '"urn:sendSms"');
    expect(answer.status).toBe(500);
    expect(answer.xml).toContain('<faultcode>S:Client</faultcode><faultstring>unknown SOAPAction</faultstring>');
    expect(await received()).toEqual([]);
  });

  it('answers checkBalance with the balance as exact decimal text', async () => {
    const { instance, config: healthConfig, log, http, signal } = context();
    await expect(health({ instance, config: healthConfig, log, http, signal })).resolves.toEqual({
      ok: true,
      detail: { balance: '12345678901234567.89', errCode: 0 },
    });
    const wrong = context({}, { password: new Secret('guess') });
    await expect(health({ instance, config: wrong.config, log, http: wrong.http, signal })).resolves.toMatchObject({ ok: false, detail: { errCode: 1 } });
  });

  it('answers checkBalance with the balance set through /__control', async () => {
    expect(await controls.control({ balance: '0.50' })).toMatchObject({ balance: '0.50', failRate: 0 });
    const { instance, config: healthConfig, log, http, signal } = context();
    await expect(health({ instance, config: healthConfig, log, http, signal })).resolves.toMatchObject({ detail: { balance: '0.50' } });
    const refused = await fetch(`${simulator.url}/__control`, { method: 'POST', body: JSON.stringify({ balance: 12 }) });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ errors: [{ path: 'balance' }] });
  });

  it('answers other paths with 404 and an empty POST with a fault', async () => {
    expect((await fetch(`${simulator.url}/messages`)).status).toBe(404);
    const empty = await fetch(`${simulator.url}/bulkapi`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: '' });
    expect(empty.status).toBe(500);
  });
});

describe('Viettel simulator: fault injection', () => {
  it('a transient fault is a SOAP fault (500), then a 503, both retryable; nothing is received', async () => {
    await controls.control({ failRate: 1, failMode: 'transient' });
    const first = await failure(run(input, context()));
    expect(first).toBeInstanceOf(RetryableError);
    expect(first).toMatchObject({ code: 'SOAP_FAULT' });
    const second = await failure(run(input, context({ attempt: 2 })));
    expect(second).toBeInstanceOf(RetryableError);
    expect(second).toMatchObject({ code: 'HTTP_503', retryAfterMs: 1000 });
    expect(await received()).toEqual([]);

    await controls.control({ failRate: 0 });
    await expect(run(input, context({ attempt: 3 }))).resolves.toMatchObject({ duplicate: false });
    expect(await received()).toMatchObject([{ requestId: '1001', deliveries: 1 }]);
  });

  it('a permanent fault answers result 0 with the blacklist string, which is permanent', async () => {
    await controls.control({ failRate: 1, failMode: 'permanent' });
    const error = await failure(run(input, context()));
    expect(error).toBeInstanceOf(PermanentError);
    expect(error).toMatchObject({ code: 'Check Content: MSG_ERROR_CONTAIN_BLACKLIST' });
    expect(await received()).toMatchObject([{ requestId: '1001', rejected: 'Check Content: MSG_ERROR_CONTAIN_BLACKLIST' }]);
  });

  it('a timeout fault holds the request until the client gives up, with a retryable error', async () => {
    await controls.control({ failRate: 1, failMode: 'timeout' });
    const error = await failure(run(input, context({}, { timeoutMs: 200 })));
    expect(error).toBeInstanceOf(RetryableError);
    expect(error).toMatchObject({ code: 'ETIMEDOUT' });
    expect(await received()).toEqual([]);
  }, 5_000);

  it('latency delays the answer by at least the configured time', async () => {
    await controls.control({ latencyMs: 150 });
    const started = Date.now();
    await run(input, context());
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('close() releases a request it is holding and ends its connection', async () => {
    await controls.control({ failRate: 1, failMode: 'timeout' });
    const sending = failure(run(input, context({}, { timeoutMs: 30_000 })));
    while (!logLines.some((line) => line.includes('simulated timeout'))) await new Promise((resolve) => setTimeout(resolve, 5));
    await simulator.close();
    expect(await sending).toBeInstanceOf(RetryableError);
    await expect(fetch(`${simulator.url}/__received`)).rejects.toThrow();
  }, 5_000);

  it('refuses bad fault settings with a problem document', async () => {
    const response = await fetch(`${simulator.url}/__control`, { method: 'POST', body: JSON.stringify({ failRate: 2 }) });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
  });
});
