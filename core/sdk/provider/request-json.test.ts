import { http, HttpResponse } from 'msw';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { NotFoundError, PermanentError, RetryableError } from '../errors.ts';
import { failure, testHttpClient, useMswServer } from '../testing.ts';
import { requestJson, type ErrorAnswer, type JsonRequest } from './request-json.ts';

const server = useMswServer();
const url = 'http://provider.test/api/payments';
const answer = v.object({ code: v.string(), amount: v.pipe(v.string(), v.transform(Number)) });

interface Sent {
  method: string;
  url: string;
  headers: Headers;
  body: string;
}

function answering(respond: () => Response | Promise<Response>): Sent[] {
  const sent: Sent[] = [];
  server.use(
    http.all(url, async ({ request }) => {
      sent.push({ method: request.method, url: request.url, headers: request.headers, body: await request.text() });
      return respond();
    }),
  );
  return sent;
}

const client = testHttpClient({ timeoutMs: 1_000 });
const call = (extra: Partial<JsonRequest<v.InferOutput<typeof answer>>> = {}) =>
  requestJson(client, { url, answer, body: { amount: 50_000 }, signal: new AbortController().signal, ...extra });

describe('requestJson: what is sent and read', () => {
  it('POSTs the body as JSON, asks for JSON, and answers what the schema makes of the answer', async () => {
    const sent = answering(() => HttpResponse.json({ code: '00', amount: '50000' }));
    const outcome = await call({ headers: { 'x-api-key': 'k' }, params: { page: 2 } });
    expect(outcome).toMatchObject({ answer: { code: '00', amount: 50_000 }, status: 200 });
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ method: 'POST', url: `${url}?page=2`, body: '{"amount":50000}' });
    expect(sent[0]?.headers.get('content-type')).toBe('application/json');
    expect(sent[0]?.headers.get('accept')).toBe('application/json');
    expect(sent[0]?.headers.get('x-api-key')).toBe('k');
  });

  it('GETs without a body, and sends URLSearchParams as a form', async () => {
    const sent = answering(() => HttpResponse.json({ code: '00', amount: '1' }));
    await call({ body: undefined });
    await call({ body: new URLSearchParams({ grant_type: 'client_credentials' }) });
    expect(sent.map((request) => request.method)).toEqual(['GET', 'POST']);
    expect(sent[0]?.headers.get('content-type')).toBeNull();
    expect(sent[1]?.headers.get('content-type')).toBe('application/x-www-form-urlencoded');
    expect(sent[1]?.body).toBe('grant_type=client_credentials');
  });
});

describe('requestJson: answers that are not what was expected are retryable MALFORMED_ANSWER', () => {
  it('names the field that does not match, never the value that came', async () => {
    answering(() => HttpResponse.json({ code: 84981234567, amount: '1' }));
    const error = await failure(call());
    expect(error).toBeInstanceOf(RetryableError);
    expect(error).toMatchObject({ code: 'MALFORMED_ANSWER' });
    expect(error.message).toBe('the answer from provider.test is not what was expected: field code is not string');
    expect(error.message).not.toContain('84981234567');
  });

  it('says which field is missing', async () => {
    answering(() => HttpResponse.json({ amount: '1' }));
    expect((await failure(call())).message).toContain('field code is missing');
  });

  it.each([
    ['an HTML page', () => new HttpResponse('<html>maintenance</html>', { headers: { 'content-type': 'text/html' } })],
    ['an empty body', () => new HttpResponse('', { status: 200 })],
    ['a JSON list', () => HttpResponse.json([1, 2])],
  ])('%s', async (_, respond) => {
    answering(respond);
    expect(await failure(call())).toMatchObject({ name: 'RetryableError', code: 'MALFORMED_ANSWER' });
  });
});

describe('requestJson: error statuses', () => {
  it.each([
    [503, RetryableError],
    [500, RetryableError],
    [408, RetryableError],
    [425, RetryableError],
    [429, RetryableError],
    [400, PermanentError],
    [401, PermanentError],
    [404, PermanentError],
    [302, PermanentError],
  ])('without a reader, HTTP %s is classified by the HTTP rules', async (status, kind) => {
    answering(() => HttpResponse.json({ code: '99' }, { status, headers: { 'retry-after': '7' } }));
    const error = await failure(call());
    expect(error).toBeInstanceOf(kind);
    expect(error).toMatchObject({ code: `HTTP_${status}`, message: `HTTP ${status} from provider.test` });
    if (error instanceof RetryableError) expect(error.retryAfterMs).toBe(7_000);
  });

  it("hands the JSON body of an error status to the plugin, which maps the provider's own code", async () => {
    answering(() => HttpResponse.json({ error: 'invalid_client' }, { status: 401, headers: { 'retry-after': '3' } }));
    const seen: ErrorAnswer[] = [];
    const error = await failure(
      call({
        errorAnswer(failure) {
          seen.push(failure);
          throw new PermanentError(`the provider refused the client (${String((failure.body as { error: string }).error)})`, { code: 'INVALID_CLIENT' });
        },
      }),
    );
    expect(error).toMatchObject({ name: 'PermanentError', code: 'INVALID_CLIENT' });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ status: 401, body: { error: 'invalid_client' }, retryAfterMs: 3_000, host: 'provider.test' });
    expect(seen[0]?.httpError).toMatchObject({ name: 'PermanentError', code: 'HTTP_401' });
  });

  it('lets the plugin take an error status as an answer (a 404 that says "not found")', async () => {
    answering(() => HttpResponse.json({ code: '02' }, { status: 404 }));
    const envelope = v.object({ code: v.string() });
    const outcome = await requestJson(client, { url, answer: envelope, signal: undefined, errorAnswer: (failure) => v.parse(envelope, failure.body) });
    expect(outcome).toMatchObject({ answer: { code: '02' }, status: 404 });
  });

  it('gives a body that is not JSON as undefined, so the status decides', async () => {
    answering(() => new HttpResponse('<html>Bad Gateway</html>', { status: 502, headers: { 'content-type': 'text/html' } }));
    const bodies: unknown[] = [];
    const error = await failure(
      call({
        errorAnswer(failure) {
          bodies.push(failure.body);
          throw failure.httpError;
        },
      }),
    );
    expect(bodies).toEqual([undefined]);
    expect(error).toMatchObject({ name: 'RetryableError', code: 'HTTP_502' });
  });

  it('keeps what the plugin throws, of whatever class', async () => {
    answering(() => HttpResponse.json({ code: '01' }, { status: 404 }));
    const error = await failure(call({ errorAnswer: () => { throw new NotFoundError('no such payment', { code: 'UNKNOWN_PAYMENT' }); } }));
    expect(error).toBeInstanceOf(NotFoundError);
  });
});

describe('requestJson: no answer', () => {
  it('a timeout is retryable, as the instance client classifies it', async () => {
    answering(() => new Promise<Response>((resolve) => setTimeout(() => resolve(HttpResponse.json({ code: '00', amount: '1' })), 2_000)));
    expect(await failure(call({ timeoutMs: 50 }))).toMatchObject({ name: 'RetryableError', code: 'ETIMEDOUT' });
  });

  it('an aborted attempt is retryable, and the call stops at once', async () => {
    answering(() => new Promise<Response>(() => undefined));
    const attempt = new AbortController();
    const pending = call({ signal: attempt.signal });
    attempt.abort();
    expect(await failure(pending)).toMatchObject({ name: 'RetryableError', code: 'ABORTED' });
  });

  it('a connection that fails is retryable', async () => {
    answering(() => HttpResponse.error());
    expect(await failure(call())).toBeInstanceOf(RetryableError);
  });
});
