/**
 * Every row of ANSWER_CODES and PROFILE_STATUSES, driven through the client the way the provider would send it (msw), asserting what the
 * plugin makes of it; then what is not in the table.
 */
import { HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { useMswServer } from '../../core/sdk/testing.ts';
import { PermanentError, RetryableError } from '../../core/sdk/index.ts';
import { cardProfile, type CardCall } from './card-client.ts';
import { lookup } from './lookup.ts';
import { issueToken, registryLookup } from './registry-client.ts';
import { ANSWER_CODES, PROFILE_STATUSES, findAnswer, profileStatus, type AnswerService, type ResultRow, type StatusService } from './answer-codes.ts';
import { TokenCache } from './token-cache.ts';
import { cardAnswering, cardData, envelope, ngspAnswering, registryBody } from './test-support/msw-ecard.ts';
import { failure, testConfig, testContext } from './test-support/context.ts';

const server = useMswServer();
const agency = '000.00.01.H22';
const config = testConfig();

function cardCall(): CardCall {
  const ctx = testContext(config);
  return { config: config.card, http: ctx.http, signal: ctx.signal, requestId: ctx.messageId };
}

function registryCall() {
  const ctx = testContext(config);
  const registry = config.registry;
  if (!registry) throw new Error('the test config has a registry');
  return { config: registry, http: ctx.http, signal: ctx.signal, requestId: ctx.messageId, tokens: new TokenCache(60_000) };
}

const rowsOf = (service: AnswerService) => ANSWER_CODES.rows.filter((row) => row.service === service);
const statusRowsOf = (service: StatusService) => PROFILE_STATUSES.rows.filter((row) => row.service === service);
const name = (row: ResultRow) => `${row.service} ${row.code}: ${'verdict' in row ? row.verdict : row.status}`;

describe('card service codes', () => {
  it.each(rowsOf('card').map((row) => [name(row), row] as const))('%s', async (_, row) => {
    const sent = cardAnswering(server, () => envelope(row.code, row.verdict === 'ok' ? cardData() : undefined, row.verdict === 'retryable' ? 503 : 200, { 'retry-after': '7' }));
    const outcome = cardProfile(cardCall(), 'TTH-EC-000101');
    if (row.verdict === 'permanent' || row.verdict === 'retryable') {
      const error = await failure(outcome);
      expect(error).toBeInstanceOf(row.verdict === 'permanent' ? PermanentError : RetryableError);
      expect(error).toMatchObject({ code: `CARD_${row.code}`, message: expect.stringContaining(row.meaning) });
      if (error instanceof RetryableError) expect(error.retryAfterMs).toBe(7_000);
    } else {
      expect(await outcome).toMatchObject({ verdict: row.verdict, code: row.code });
    }
    expect(sent).toHaveLength(1);
  });
});

describe('NGSP token errors', () => {
  it.each(rowsOf('token').map((row) => [name(row), row] as const))('%s', async (_, row) => {
    ngspAnswering(server, () => HttpResponse.json({}), () => HttpResponse.json({ error: row.code, error_description: 'x' }, { status: row.verdict === 'permanent' ? 401 : 503 }));
    const error = await failure(issueToken(registryCall()));
    expect(error).toBeInstanceOf(row.verdict === 'permanent' ? PermanentError : RetryableError);
    expect(error).toMatchObject({ code: row.code.toUpperCase(), message: expect.stringContaining(row.meaning) });
  });
});

describe('registry look-up answers', () => {
  it.each(rowsOf('registry').map((row) => [name(row), row] as const))('%s', async (_, row) => {
    const call = registryCall();
    if (row.verdict === 'token-rejected') {
      // The first token is refused: a second one is fetched and used, once.
      const { tokens, lookups } = ngspAnswering(server, (request) =>
        request.headers.get('authorization') === 'Bearer token-1' ? HttpResponse.json({ fault: { code: 900901 } }, { status: Number(row.code.slice(5)) }) : HttpResponse.json(registryBody()),
      );
      expect(await registryLookup(call, '0100109106')).toMatchObject({ verdict: 'ok' });
      expect(tokens).toHaveLength(2);
      expect(lookups.map((sent) => sent.headers.get('authorization'))).toEqual(['Bearer token-1', 'Bearer token-2']);
      // Refused again with a fresh token: permanent, no third try.
      ngspAnswering(server, () => HttpResponse.json({ fault: { code: 900901 } }, { status: 401 }));
      expect(await failure(registryLookup(registryCall(), '0100109106'))).toMatchObject({ name: 'PermanentError', code: 'HTTP_401' });
      return;
    }
    ngspAnswering(server, () => HttpResponse.json(row.verdict === 'ok' ? registryBody() : { Data: { MainInformation: null } }));
    expect(await registryLookup(call, '0100109106')).toMatchObject({ verdict: row.verdict });
  });
});

describe('HTTP statuses without a known code', () => {
  it.each(rowsOf('http').map((row) => [name(row), row] as const))('%s', async (_, row) => {
    const status = row.code === '5xx' ? 502 : Number(row.code);
    cardAnswering(server, () => new HttpResponse('<html>error</html>', { status, headers: { 'content-type': 'text/html' } }));
    const error = await failure(cardProfile(cardCall(), 'TTH-EC-000101'));
    expect(error).toBeInstanceOf(row.verdict === 'permanent' ? PermanentError : RetryableError);
    expect(error).toMatchObject({ code: `HTTP_${row.code}`, message: expect.stringContaining(`HTTP ${status}`) });
  });
});

describe('profile statuses', () => {
  it.each(statusRowsOf('card-status').map((row) => [name(row), row] as const))('%s', async (_, row) => {
    cardAnswering(server, () => envelope('00', cardData({ status: row.code })));
    expect(await lookup({ agency, cardNumber: 'TTH-EC-000101' }, testContext(config))).toMatchObject({ source: 'ecard', status: row.status });
  });

  it.each(statusRowsOf('registry-status').map((row) => [name(row), row] as const))('%s', async (_, row) => {
    cardAnswering(server, () => envelope('02', undefined, 404));
    ngspAnswering(server, () => HttpResponse.json(registryBody({ ENTERPRISE_STATUS_NAME: row.code.toUpperCase().normalize('NFD') })));
    expect(await lookup({ agency, taxCode: '0100109106' }, testContext(config))).toMatchObject({ source: 'registry', status: row.status });
  });
});

describe('what the table does not know', () => {
  it('takes an unknown card code as retryable, naming the code', async () => {
    cardAnswering(server, () => envelope('77'));
    expect(await failure(cardProfile(cardCall(), 'TTH-EC-000101'))).toMatchObject({ name: 'RetryableError', code: 'UNKNOWN_RESULT', message: expect.stringContaining('code 77') });
  });

  it('takes an unknown OAuth2 error as retryable', async () => {
    ngspAnswering(server, () => HttpResponse.json({}), () => HttpResponse.json({ error: 'access_denied_for_now' }, { status: 400 }));
    expect(await failure(issueToken(registryCall()))).toMatchObject({ name: 'RetryableError', code: 'UNKNOWN_RESULT' });
  });

  it('takes a 2xx without an envelope as malformed (retryable)', async () => {
    cardAnswering(server, () => HttpResponse.json({ ok: true }));
    expect(await failure(cardProfile(cardCall(), 'TTH-EC-000101'))).toMatchObject({ name: 'RetryableError', code: 'MALFORMED_ANSWER' });
    cardAnswering(server, () => new HttpResponse('not json', { headers: { 'content-type': 'text/plain' } }));
    expect(await failure(cardProfile(cardCall(), 'TTH-EC-000101'))).toMatchObject({ name: 'RetryableError', code: 'MALFORMED_ANSWER' });
  });

  it('passes a status text it does not know through as written, and reads numeric codes as text', async () => {
    expect(profileStatus('card-status', ' PENDING_ISSUE ')).toBe('PENDING_ISSUE');
    cardAnswering(server, () => HttpResponse.json({ code: 0, message: 'ok', data: cardData() }));
    // 0 is not '00': the card service writes two digits; a bare 0 is unknown, so retryable.
    expect(await failure(cardProfile(cardCall(), 'TTH-EC-000101'))).toMatchObject({ code: 'UNKNOWN_RESULT' });
    expect(findAnswer('card', '00')?.verdict).toBe('ok');
  });
});
