import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.ts';
import { Secret } from './sdk/secret.ts';

const PHONE = '84981234567';
const CCCD = '046095001234';
const PASSWORD = 'S0ap-Pa55word-xyz';
const MESSAGE_ID = 'msg_01JN0981234567890123456789';

/** A logger writing into memory, and what it wrote, line by line, each parsed (a line that is not JSON fails here). */
function capture(level = 'debug') {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString().split('\n').filter((line) => line !== ''));
      done();
    },
  });
  const log = createLogger(level, sink);
  return { log, lines, parsed: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>), text: () => lines.join('\n') };
}

describe('the logger masks every line before it is written', () => {
  it('in the message, string fields, format arguments and child bindings', () => {
    const { log, text, parsed } = capture();
    const child = log.child({ messageId: MESSAGE_ID, caller: `sdt ${PHONE}` });
    child.warn({ err: `Viettel refused ${PHONE}: CCCD ${CCCD}`, code: 'X' }, `attempt 1 of 8 failed for 0${PHONE.slice(2)}`);
    child.info('sent to %s', PHONE);
    // The message id holds the same digits on purpose: identifiers are kept whole.
    const withoutIds = text().replaceAll(MESSAGE_ID, '');
    expect(withoutIds).not.toContain(PHONE.slice(2));
    expect(withoutIds).not.toContain(CCCD);
    const [warn, info] = parsed();
    expect(warn).toMatchObject({ messageId: MESSAGE_ID, caller: 'sdt 8498****567', err: 'Viettel refused 8498****567: CCCD 046******234', msg: 'attempt 1 of 8 failed for 0981***567' });
    expect(info).toMatchObject({ messageId: MESSAGE_ID, msg: 'sent to 8498****567' });
  });

  it('in errors: message, stack and cause; never the other properties an error carries', () => {
    const { log, text, parsed } = capture();
    const cause = new Error(`socket closed talking about ${CCCD}`);
    // What an axios error holds: the request with its headers and body (here a SOAP envelope with the password).
    const error = Object.assign(new Error(`HTTP 500 for ${PHONE}`, { cause }), {
      code: 'HTTP_500',
      config: { headers: { Authorization: 'Bearer lt_op_0123456789abcdef' }, data: `<Password>${PASSWORD}</Password>` },
    });
    log.error(error);
    log.error({ err: error }, 'request failed');
    log.error({ failure: error }, 'under another key');
    expect(text()).not.toContain(PHONE);
    expect(text()).not.toContain(CCCD);
    expect(text()).not.toContain(PASSWORD);
    expect(text()).not.toContain('lt_op_0123456789abcdef');
    const [bare, keyed, other] = parsed();
    expect(bare).toMatchObject({ msg: 'HTTP 500 for 8498****567', err: { type: 'Error', message: 'HTTP 500 for 8498****567', code: 'HTTP_500' } });
    expect(keyed?.err).toMatchObject({ cause: { message: 'socket closed talking about 046******234' } });
    expect(Object.keys(keyed?.err as object).sort()).toEqual(['cause', 'code', 'message', 'stack', 'type']);
    expect(other?.failure).toMatchObject({ type: 'Error', code: 'HTTP_500' });
  });

  it('removes secrets by field name at any depth, and in text', () => {
    const { log, text, parsed } = capture();
    log.info(
      {
        headers: { authorization: 'Bearer lt_cl_secretsecretsecret', 'x-api-key': 'xk-secret-1', 'content-type': 'text/xml' },
        request: { args: { User: 'u', Password: PASSWORD, deeper: { apiKey: 'k-1', otp: 123456 } } },
        secret: new Secret('not-printed'),
        body: `<soap:Body><wsCpMt><User>u</User><Password>${PASSWORD}</Password></wsCpMt></soap:Body>`,
      },
      'calling with password=%s',
      PASSWORD,
    );
    expect(text()).not.toContain(PASSWORD);
    expect(text()).not.toContain('lt_cl_secretsecretsecret');
    expect(text()).not.toContain('k-1');
    expect(text()).not.toContain('xk-secret-1');
    expect(text()).not.toContain('not-printed');
    const [line] = parsed();
    expect(line).toMatchObject({
      headers: { authorization: '[redacted]', 'x-api-key': '[redacted]', 'content-type': 'text/xml' },
      request: { args: { User: 'u', Password: '[redacted]', deeper: { apiKey: '[redacted]', otp: '[redacted]' } } },
      secret: '[redacted]',
      body: '<soap:Body><wsCpMt><User>u</User><Password>[redacted]</Password></wsCpMt></soap:Body>',
      msg: 'calling with password=[redacted]',
    });
  });

  it('masks personal data by field name, numbers included, and keeps the line JSON', () => {
    const { log, parsed } = capture();
    log.info({ applicant: { fullName: 'Đặng Văn Ấn', phone: 912345678 }, accountNumber: '0011223344556', contact: 84981234567 }, 'x');
    expect(parsed()[0]).toMatchObject({
      applicant: { fullName: 'Đ*** V** Ấ*', phone: '9123**678' },
      accountNumber: '*********4556',
      contact: '8498****567',
    });
  });

  it("keeps the gateway's identifiers whole, so that lines can be found by them", () => {
    const { log, parsed } = capture();
    const requestId = 'c0a8e2b4-1234-4abc-9def-123456789012';
    log.child({ messageId: MESSAGE_ID }).info({ requestId, keyId: 'key_123456789012' }, 'operator replayed a message');
    expect(parsed()[0]).toMatchObject({ messageId: MESSAGE_ID, requestId, keyId: 'key_123456789012' });
  });

  it('cuts an object nested without end rather than hang', () => {
    const { log, parsed } = capture();
    const loop: Record<string, unknown> = { name: 'Lê Văn Cường' };
    loop.self = loop;
    log.info({ loop }, 'cyclic');
    const line = parsed()[0] as { loop: { name: string } };
    expect(line.loop.name).toBe('L* V** C****');
    expect(JSON.stringify(line)).toContain('[too deep]');
  });

  it('writes nothing below its level', () => {
    const { log, lines } = capture('info');
    log.debug({ to: PHONE }, 'attempt 1 of 8');
    expect(lines).toEqual([]);
  });
});
