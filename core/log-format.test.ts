import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ConfigError } from './config/config-error.ts';
import { logFormat } from './log-format.ts';
import { createLogger, loggerFor } from './logger.ts';

const PHONE = '84981234567';
const PASSWORD = 'S0ap-Pa55word-xyz';

function sink() {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  return { stream, text: () => text };
}

describe('LOG_FORMAT', () => {
  it('json unless it says pretty; any other value is refused, naming the valid ones', () => {
    expect(logFormat(undefined)).toBe('json');
    expect(logFormat('')).toBe('json');
    expect(logFormat('json')).toBe('json');
    expect(logFormat('pretty')).toBe('pretty');
    expect(() => logFormat('Pretty')).toThrow(new ConfigError("LOG_FORMAT must be json or pretty, not 'Pretty'; unset it for json"));
  });

  it('pretty: a line for people, in Vietnam time, masked exactly as the JSON line is', () => {
    const out = sink();
    const log = createLogger('info', out.stream, 'pretty');
    log.child({ instance: 'sms-hue' }).warn({ to: PHONE, password: PASSWORD, err: new Error(`Viettel refused ${PHONE}`) }, 'attempt 1 of 8 failed');
    const text = out.text();
    expect(() => JSON.parse(text.split('\n')[0]!)).toThrow();
    expect(text).toMatch(/^\[\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00\] WARN: attempt 1 of 8 failed\n/);
    expect(text).toContain('instance: "sms-hue"');
    expect(text).toContain('8498****567');
    expect(text).not.toContain(PHONE);
    expect(text).not.toContain(PASSWORD);
    // No colour codes into a stream that is not a terminal; no pid, hostname or service on every line.
    expect(text).not.toContain('\u001b[');
    expect(text).not.toMatch(/pid|hostname|service/);
  });

  it('json stays the default, one JSON object a line', () => {
    const out = sink();
    loggerFor({}, out.stream).info({ to: PHONE }, 'sent');
    expect(JSON.parse(out.text())).toMatchObject({ level: 30, msg: 'sent', to: '8498****567', service: 'lienthong' });
  });

  it('loggerFor takes LOG_LEVEL and LOG_FORMAT from the environment given', () => {
    const out = sink();
    const log = loggerFor({ LOG_LEVEL: 'warn', LOG_FORMAT: 'pretty' }, out.stream);
    log.info('not shown');
    log.warn('shown');
    expect(out.text()).toMatch(/WARN: shown\n$/);
    expect(out.text()).not.toContain('not shown');
    expect(() => loggerFor({ LOG_FORMAT: 'xml' })).toThrow("LOG_FORMAT must be json or pretty, not 'xml'");
  });
});
