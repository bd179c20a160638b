import { delay, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { PermanentError, RetryableError } from '../../core/sdk/index.ts';
import { useMswServer } from '../../core/sdk/testing.ts';
import { run } from './send.ts';
import { context, envelope, escapedPassword, failure, input, mtAnswer, password, receiver, viettelAnswering, xml } from './test-support/msw-viettel.ts';

const server = useMswServer();

describe('sms-viettel send: transport failures', () => {
  it('a SOAP fault (HTTP 500) is retryable and says what the service said', async () => {
    const fault = envelope('<S:Fault><faultcode>S:Server</faultcode><faultstring>java.sql.SQLException: pool exhausted</faultstring></S:Fault>');
    viettelAnswering(server, () => xml(fault, 500));
    const error = await failure(run(input, context()));
    expect(error).toBeInstanceOf(RetryableError);
    expect(error).toMatchObject({ code: 'SOAP_FAULT' });
    expect(error.message).toBe('SOAP fault from sms.viettel.test:8009 (HTTP 500): S:Server: java.sql.SQLException: pool exhausted');
  });

  it.each([500, 502, 504])('HTTP %i without a SOAP fault is retryable', async (status) => {
    viettelAnswering(server, () => new HttpResponse('<html><body>Bad gateway</html>', { status, headers: { 'content-type': 'text/html' } }));
    const error = await failure(run(input, context()));
    expect(error).toBeInstanceOf(RetryableError);
    expect(error).toMatchObject({ code: `HTTP_${status}`, message: `HTTP ${status} from sms.viettel.test:8009` });
  });

  it('HTTP 503 is retryable after the Retry-After the service asked for', async () => {
    viettelAnswering(server, () => new HttpResponse('Service Unavailable', { status: 503, headers: { 'retry-after': '7' } }));
    const error = await failure(run(input, context()));
    expect(error).toBeInstanceOf(RetryableError);
    expect(error).toMatchObject({ code: 'HTTP_503', retryAfterMs: 7000 });
  });

  it.each([[429, RetryableError], [404, PermanentError], [403, PermanentError]] as const)('HTTP %i is %o', async (status, ErrorClass) => {
    viettelAnswering(server, () => new HttpResponse('', { status }));
    const error = await failure(run(input, context()));
    expect(error).toBeInstanceOf(ErrorClass);
    expect(error).toMatchObject({ code: `HTTP_${status}` });
  });

  it('a connection error is retryable', async () => {
    viettelAnswering(server, () => HttpResponse.error());
    expect(await failure(run(input, context()))).toBeInstanceOf(RetryableError);
  });

  it('a service slower than timeoutMs is retryable', async () => {
    viettelAnswering(server, async () => {
      await delay(1_000);
      return xml(mtAnswer(1, 'Insert MT_QUEUE: OK'));
    });
    const error = await failure(run(input, context({}, { timeoutMs: 100 })));
    expect(error).toBeInstanceOf(RetryableError);
    expect(error).toMatchObject({ code: 'ETIMEDOUT' });
  });

  it('an aborted attempt is retryable', async () => {
    viettelAnswering(server, async () => {
      await delay(1_000);
      return xml(mtAnswer(1, 'Insert MT_QUEUE: OK'));
    });
    const controller = new AbortController();
    const sending = run(input, context({ signal: controller.signal }));
    setTimeout(() => controller.abort(), 50);
    const error = await failure(sending);
    expect(error).toBeInstanceOf(RetryableError);
    expect(error).toMatchObject({ code: 'ABORTED' });
  });

  it.each([
    ['not XML', 'Insert MT_QUEUE: OK'],
    ['broken XML', '<S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/"><S:Body><ns2:wsCpMtResponse'],
    ['an empty body', ''],
    ['an HTML page', '<html><body><h1>Welcome to nginx!</h1></body></html>'],
    ['an answer without result', envelope('<ns2:wsCpMtResponse xmlns:ns2="http://impl.bulkSms.ws/"><return><message>OK</message></return></ns2:wsCpMtResponse>')],
    ['another operation\'s answer', envelope('<ns2:checkBalanceResponse xmlns:ns2="http://impl.bulkSms.ws/"><return><errCode>0</errCode></return></ns2:checkBalanceResponse>')],
  ])('a 200 with %s is retryable', async (_, body) => {
    viettelAnswering(server, () => xml(body));
    const error = await failure(run(input, context()));
    expect(error).toBeInstanceOf(RetryableError);
    expect(error).toMatchObject({ code: 'MALFORMED_ANSWER' });
  });

  it('no failure shows the password, the content or the whole number', async () => {
    const fault = envelope(`<S:Fault><faultcode>S:Client</faultcode><faultstring>bad receiver ${receiver}</faultstring></S:Fault>`);
    for (const answer of [() => xml(fault, 500), () => new HttpResponse('x', { status: 503 }), () => xml('<oops')]) {
      viettelAnswering(server, answer);
      const error = await failure(run(input, context()));
      for (const secret of [password, escapedPassword, receiver, 'Ho so cua ong']) expect(error.message).not.toContain(secret);
    }
  });
});
