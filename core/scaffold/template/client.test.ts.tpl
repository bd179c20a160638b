/**
 * __ID__ against a provider faked with msw: what is sent for each operation, and what each answer becomes
 * (the capability's output, or the error that decides retry or dead letter).
 */
import { http, HttpResponse } from 'msw';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { findOperation } from '../../core/capabilities/index.ts';
import { NotFoundError, PermanentError, RetryableError, type AnyPlugin, type OperationContext } from '../../core/sdk/index.ts';
import { failure, testOperationContext, useMswServer } from '../../core/sdk/testing.ts';
import type { __NAME__Config } from './config.ts';
import plugin from './index.ts';
import { ANSWERS } from './simulator/answers.ts';
import { API_KEY, ENDPOINT, testConfig } from './test-support/config.ts';

const AGENCY = '000.00.01.H22';
const MESSAGE_ID = 'msg_01TEST';
/** A request per operation, as a caller would send it. */
const REQUESTS: Record<string, Record<string, unknown>> = __REQUESTS__;
const OPERATIONS = Object.keys(REQUESTS);

const server = useMswServer();
const sent: Request[] = [];

/** The provider answers every operation with `answer`. */
function provider(answer: (request: Request) => Response | Promise<Response>) {
  sent.length = 0;
  server.use(
    http.post(`${ENDPOINT}/v1/:operation`, ({ request }) => {
      sent.push(request.clone());
      return answer(request);
    }),
  );
}

const context = (overrides: Partial<OperationContext<__NAME__Config>> = {}) =>
  testOperationContext({ instance: '__ID__', config: testConfig(), agency: AGENCY, messageId: MESSAGE_ID }, overrides);

/** Runs `operation` as the gateway would: its input parsed by the capability's schema first. */
function run(operation: string, overrides: Partial<OperationContext<__NAME__Config>> = {}): Promise<unknown> {
  const spec = findOperation('__CAP__', operation);
  const handler = (plugin as AnyPlugin).operations[operation];
  if (!spec || !handler) throw new Error(`__CAP__ has no operation ${operation}`);
  return handler.run(v.parse(spec.input, { agency: AGENCY, ...REQUESTS[operation] }), context(overrides));
}

const success = (request: Request) => {
  const operation = new URL(request.url).pathname.split('/').at(-1) ?? '';
  return HttpResponse.json({ code: '00', message: 'OK', data: ANSWERS[operation]?.() });
};

describe('__ID__: what is sent and what a success answers', () => {
  it.each(OPERATIONS)('%s: posts the request with the key and the message id, and answers the capability output', async (operation) => {
    provider(success);
    const result = await run(operation);
    const spec = findOperation('__CAP__', operation);
    expect(v.safeParse(spec!.output, result).issues).toBeUndefined();
    const [request] = sent;
    expect(request?.url).toBe(`${ENDPOINT}/v1/${operation}`);
    expect(request?.headers.get('authorization')).toBe(`Bearer ${API_KEY}`);
    expect(request?.headers.get('x-request-id')).toBe(MESSAGE_ID);
    expect(await request?.json()).toMatchObject({ agency: AGENCY });
  });
});

describe('__ID__: what each answer code means', () => {
  const operation = OPERATIONS[0] ?? '';

  it.each([
    ['01', PermanentError],
    ['02', PermanentError],
    ['05', NotFoundError],
    ['09', RetryableError],
    ['99', RetryableError],
    ['77', RetryableError],
  ])('code %s in a 200 answer is a %O', async (code, kind) => {
    provider(() => HttpResponse.json({ code, message: 'refused' }));
    const error = await failure(run(operation));
    expect(error).toBeInstanceOf(kind);
    expect(error).toMatchObject({ code });
  });

  it("reads the provider's code in the body of an error status", async () => {
    provider(() => HttpResponse.json({ code: '01', message: 'invalid request' }, { status: 400 }));
    expect(await failure(run(operation))).toBeInstanceOf(PermanentError);
  });

  it('retries a 503 without a body after the Retry-After it asks for', async () => {
    provider(() => new HttpResponse(null, { status: 503, headers: { 'retry-after': '7' } }));
    const error = await failure(run(operation));
    expect(error).toBeInstanceOf(RetryableError);
    expect((error as RetryableError).retryAfterMs).toBe(7000);
  });

  it('retries an answer that is not what the provider promised', async () => {
    provider(() => HttpResponse.json({ code: '00', data: { unexpected: true } }));
    expect(await failure(run(operation))).toMatchObject({ name: 'RetryableError', code: 'MALFORMED_ANSWER' });
  });

  it("masks personal data in what the provider said, and never shows the key", async () => {
    provider(() => HttpResponse.json({ code: '01', message: `thue bao 0981234567 bi chan; key ${API_KEY}` }));
    const error = await failure(run(operation));
    expect(error.message).not.toContain('0981234567');
    expect(error.message).not.toContain(API_KEY);
  });
});
