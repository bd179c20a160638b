import { describe, expect, it } from 'vitest';
import { PermanentError, RetryableError } from '../../core/sdk/index.ts';
import { expectCapabilityOutput, type SentRequest, useMswServer } from '../../core/sdk/testing.ts';
import { ANSWER_CODES } from './answer-codes.ts';
import plugin from './index.ts';
import { run } from './send.ts';
import { context, escapedPassword, failure, input, mtAnswer, parseEnvelope, password, receiver, text, viettelAnswering, xml } from './test-support/msw-viettel.ts';

const server = useMswServer();

describe('sms-viettel send: what is sent', () => {
  it('POSTs a SOAP 1.1 wsCpMt envelope: namespaced wrapper, the ten children unqualified, in order, escaped', async () => {
    const sent = viettelAnswering(server, () => xml(mtAnswer(1, 'Insert MT_QUEUE: OK')));
    await run(input, context());

    expect(sent).toHaveLength(1);
    const [request] = sent as [SentRequest];
    expect(request.headers.get('content-type')).toBe('text/xml; charset=utf-8');
    expect(request.headers.get('soapaction')).toBe('""');
    expect(parseEnvelope(request.text, 'wsCpMt').children).toBe(
      '<User>ubnd_tthue</User>' +
        `<Password>${escapedPassword}</Password>` +
        '<CPCode>UBNDTTHUE</CPCode>' +
        '<RequestID>4711</RequestID>' +
        '<UserID>84981234567</UserID>' +
        '<ReceiverID>84981234567</ReceiverID>' +
        '<ServiceID>UBND-TTHUE</ServiceID>' +
        '<CommandCode>bulksms</CommandCode>' +
        '<Content>Ho so cua ong Dang Van An da duoc tiep nhan</Content>' +
        '<ContentType>0</ContentType>',
    );
  });

  it('sends a Unicode SMS with its diacritics and the configured content type', async () => {
    const sent = viettelAnswering(server, () => xml(mtAnswer(1, 'Insert MT_QUEUE: OK')));
    await run({ ...input, unicode: true }, context({}, { contentTypeUnicode: '8' }));
    const { children } = parseEnvelope(sent[0]?.text ?? '', 'wsCpMt');
    expect(children).toContain(`<Content>${text}</Content><ContentType>8</ContentType>`);
  });

  it('uses the store sequence as RequestID, the same on every attempt', async () => {
    const sent = viettelAnswering(server, () => xml(mtAnswer(1, 'Insert MT_QUEUE: OK')));
    await run(input, context({ sequence: 90071992547 }));
    await run(input, context({ sequence: 90071992547, attempt: 2 }));
    expect(sent.map((request) => /<RequestID>(\d+)<\/RequestID>/.exec(request.text)?.[1])).toEqual(['90071992547', '90071992547']);
  });

  it("adds the instance's requestIdOffset, so two databases sharing a CP code never reuse a RequestID", async () => {
    const sent = viettelAnswering(server, () => xml(mtAnswer(1, 'Insert MT_QUEUE: OK')));
    await run(input, context({ sequence: 42 }, { requestIdOffset: 1_000_000_000_000 }));
    expect(/<RequestID>(\d+)<\/RequestID>/.exec(sent[0]?.text ?? '')?.[1]).toBe('1000000000042');
  });

  it('refuses to send without a sequence number (a sync call), before any request', async () => {
    const error = await failure(run(input, context({ sequence: undefined })));
    expect(error).toBeInstanceOf(PermanentError);
    expect(error).toMatchObject({ code: 'NO_REQUEST_ID' });
  });
});

describe('sms-viettel send: result = 1', () => {
  it('is delivered, with the provider answer and the segments paid for', async () => {
    viettelAnswering(server, () => xml(mtAnswer(1, 'Insert MT_QUEUE: OK')));
    const delivered = await run(input, context());
    expect(delivered).toEqual({
      providerMessage: 'Insert MT_QUEUE: OK',
      providerCode: '1',
      segments: 1,
      duplicate: false,
    });
    expectCapabilityOutput(plugin, 'send', delivered);
    await expect(run({ ...input, text: 'a'.repeat(161) }, context())).resolves.toMatchObject({ segments: 2 });
    await expect(run({ ...input, unicode: true, text: 'ệ'.repeat(71) }, context())).resolves.toMatchObject({ segments: 2 });
  });
});

/** Every reason string seen in public code, with the verdict this plugin gives it and the code it records. */
const documented: Array<[message: string, verdict: 'permanent' | 'retryable', code: string]> = [
  ['Authenticate: Cp_code: NULL_OR_BLANK', 'permanent', 'Authenticate: Cp_code: NULL_OR_BLANK'],
  ['Authenticate: UserName: NULL_OR_BLANK', 'permanent', 'Authenticate: UserName: NULL_OR_BLANK'],
  ['Authenticate: Password: NULL_OR_BLANK', 'permanent', 'Authenticate: Password: NULL_OR_BLANK'],
  ['CP_CODE_NOT_FOUND', 'permanent', 'CP_CODE_NOT_FOUND'],
  ['WRONG_INFORMATION_AUTHENTICATE', 'permanent', 'WRONG_INFORMATION_AUTHENTICATE'],
  ['Authenticate: IP_INVALID', 'permanent', 'Authenticate: IP_INVALID'],
  ['Check RequestID: NULL_OR_BLANK', 'permanent', 'Check RequestID: NULL_OR_BLANK'],
  ['Check RequestID: REQUEST_ID_NOT_NUMBER', 'permanent', 'Check RequestID: REQUEST_ID_NOT_NUMBER'],
  ['Check UserID: NULL_OR_BLANK', 'permanent', 'Check UserID: NULL_OR_BLANK'],
  ['Check ReceiverID: NULL_OR_BLANK', 'permanent', 'Check ReceiverID: NULL_OR_BLANK'],
  ['Check ReceiverID: FORMAT_ERROR', 'permanent', 'Check ReceiverID: FORMAT_ERROR'],
  ['UserID_NOT_EQUAL_ReceiverID', 'permanent', 'UserID_NOT_EQUAL_ReceiverID'],
  ['Unable to check telco from input receiver', 'retryable', 'Unable to check telco from input receiver'],
  ['Check ServiceID: ALIAS_INVALID:TELCO=VT', 'permanent', 'Check ServiceID: ALIAS_INVALID'],
  ['Check ServiceID: ALIAS_INVALID:TELCO=VN', 'permanent', 'Check ServiceID: ALIAS_INVALID'],
  ['Check CommandCode: NULL_OR_BLANK', 'permanent', 'Check CommandCode: NULL_OR_BLANK'],
  ['Check CommandCode: COMMAND_CODE_ERROR', 'permanent', 'Check CommandCode: COMMAND_CODE_ERROR'],
  ['Check Content: NULL_OR_BLANK', 'permanent', 'Check Content: NULL_OR_BLANK'],
  ['Check Content: MAXLENGTH_LIMIT_1000_BYTE (YOUR_CONTENT: 1224 BYTE)', 'permanent', 'Check Content: MAXLENGTH_LIMIT'],
  ['Check Content: MSG_ERROR_CONTAIN_BLACKLIST', 'permanent', 'Check Content: MSG_ERROR_CONTAIN_BLACKLIST'],
  ['Check template: CONTENT_NOT_MATCH_TEMPLATE', 'permanent', 'Check template: CONTENT_NOT_MATCH_TEMPLATE'],
  ['Check information error', 'retryable', 'Check information error'],
];

describe('sms-viettel send: result = 0, each documented answer', () => {
  it('the table has a row for every documented answer and nothing else (DUPLICATE is tested below)', () => {
    const rows = ANSWER_CODES.rows.map((row) => row.code).filter((message) => !message.includes('DUPLICATE'));
    expect(new Set(rows)).toEqual(new Set(documented.map(([, , code]) => code)));
  });

  it.each(documented)('%j is %s, with the provider message kept and its code recorded', async (message, verdict, code) => {
    viettelAnswering(server, () => xml(mtAnswer(0, message)));
    const error = await failure(run(input, context()));
    expect(error).toBeInstanceOf(verdict === 'permanent' ? PermanentError : RetryableError);
    expect(error).toMatchObject({ code });
    expect(error.message).toContain(message);
    expect(error.message).toContain('RequestID 4711');
    expect(error.message).toContain('8498****567');
    for (const secret of [password, receiver, 'Ho so cua ong', text]) expect(error.message).not.toContain(secret);
  });

  it('DUPLICATE MESSAGE on a retry means the first attempt got through: delivered, marked duplicate', async () => {
    viettelAnswering(server, () => xml(mtAnswer(0, 'Check ServiceID: DUPLICATE MESSAGE')));
    await expect(run(input, context({ attempt: 3 }))).resolves.toEqual({
      providerMessage: 'Check ServiceID: DUPLICATE MESSAGE',
      providerCode: '0',
      segments: 1,
      duplicate: true,
    });
  });

  it('DUPLICATE MESSAGE on the first attempt after a replay or a restart means an earlier one got through', async () => {
    viettelAnswering(server, () => xml(mtAnswer(0, 'Check ServiceID: DUPLICATE MESSAGE')));
    await expect(run(input, context({ attempt: 1, triedBefore: true }))).resolves.toMatchObject({ duplicate: true });
  });

  it('DUPLICATE MESSAGE on a first attempt means the RequestID was used by another message: permanent', async () => {
    viettelAnswering(server, () => xml(mtAnswer(0, 'Check ServiceID: DUPLICATE MESSAGE')));
    const error = await failure(run(input, context({ attempt: 1 })));
    expect(error).toBeInstanceOf(PermanentError);
    expect(error).toMatchObject({ code: 'Check ServiceID: DUPLICATE MESSAGE' });
    expect(error.message).toContain('RequestID already used by another message');
  });

  it.each([
    [0, 'Queue full, please slow down'],
    [0, ''],
    [-1, 'Insert MT_QUEUE: OK'],
    [2, 'Insert MT_QUEUE: PENDING'],
  ])('an unknown answer (result=%i, %j) is retryable', async (result, message) => {
    viettelAnswering(server, () => xml(mtAnswer(result, message)));
    const error = await failure(run(input, context()));
    expect(error).toBeInstanceOf(RetryableError);
    expect(error).toMatchObject({ code: 'UNKNOWN_RESULT' });
  });

  it('masks a phone number the provider puts in its message', async () => {
    viettelAnswering(server, () => xml(mtAnswer(0, `Receiver ${receiver} is not reachable`)));
    const error = await failure(run(input, context()));
    expect(error.message).not.toContain(receiver);
    expect(error.message).toContain('Receiver 8498****567 is not reachable');
  });
});
