/**
 * The national business registry through NGSP (the data-sharing platform): an OAuth2 client-credentials token
 * (Basic auth of consumer key and secret), then `GET {baseUrl}/apiCSDLDKDN/1.0/chiTietDoanhNghiep?msdn=…` with it.
 */
import type { AxiosInstance } from 'axios';
import * as v from 'valibot';
import { PermanentError, requestJson, type ErrorAnswer, type JsonAnswer } from '../../core/sdk/index.ts';
import { errorFor, findAnswer, httpRow, malformedAnswer, unknownCode } from './answer-codes.ts';
import { textAt } from './answer-fields.ts';
import type { RegistryConfig } from './config.ts';
import type { IssuedToken, TokenCache } from './token-cache.ts';

export interface RegistryCall {
  config: RegistryConfig;
  http: AxiosInstance;
  signal: AbortSignal;
  requestId: string;
  tokens: TokenCache;
}

export type RegistryAnswer = { verdict: 'ok'; body: unknown } | { verdict: 'not-found' };

/** A token as text (some gateways write it as a number), not blank. */
const tokenText = v.pipe(v.union([v.string(), v.pipe(v.number(), v.finite())]), v.transform(String), v.trim(), v.nonEmpty());
const tokenAnswer = v.looseObject({ access_token: tokenText });

/**
 * Asks the token endpoint for a token. The look-ups' requests are not tied to one caller's signal (concurrent look-ups
 * share the request, so one caller giving up must not fail the others); the health check passes its own.
 */
export async function issueToken(call: Pick<RegistryCall, 'config' | 'http'> & { signal?: AbortSignal }): Promise<IssuedToken> {
  const { config } = call;
  const basic = Buffer.from(`${config.consumerKey}:${config.consumerSecret.reveal()}`).toString('base64');
  const about = 'NGSP token endpoint';
  const { answer } = await requestJson(call.http, {
    url: config.tokenUrl,
    body: new URLSearchParams({ grant_type: 'client_credentials' }),
    headers: { authorization: `Basic ${basic}` },
    answer: tokenAnswer,
    errorAnswer: (failure) => {
      // An OAuth2 error (RFC 6749 §5.2) names what was wrong; without one, the status does.
      const error = textAt(failure.body, 'error');
      if (error === undefined) throw statusError(failure, about);
      const row = findAnswer('token', error);
      if (!row) throw unknownCode(about, 'token', error);
      throw errorFor(row, `${about} (HTTP ${failure.status})`, failure.retryAfterMs);
    },
    signal: call.signal,
    timeoutMs: config.timeoutMs,
  });
  const expiresIn = Number(textAt(answer, 'expires_in'));
  return { accessToken: answer.access_token, expiresInMs: Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn * 1000 : undefined };
}

/** Looks a business up by tax code; a refused token is renewed once. */
export async function registryLookup(call: RegistryCall, taxCode: string): Promise<RegistryAnswer> {
  const about = `national business registry, tax code ${taxCode}`;
  const fetchToken = () => issueToken({ config: call.config, http: call.http });
  let token = await call.tokens.get(fetchToken);
  let response = await lookup(call, taxCode, token, about);
  if (tokenRejected(response.status)) {
    call.tokens.invalidate(token);
    token = await call.tokens.get(fetchToken);
    response = await lookup(call, taxCode, token, about);
    if (tokenRejected(response.status)) throw new PermanentError(`${about}: NGSP refused a fresh token too`, { code: `HTTP_${response.status}` });
  }
  if (response.answer === null || typeof response.answer !== 'object') throw malformedAnswer(about, 'not a JSON object');
  const found = textAt(response.answer, call.config.fields.name) !== undefined;
  const row = findAnswer('registry', found ? 'found' : 'empty');
  return row?.verdict === 'ok' ? { verdict: 'ok', body: response.answer } : { verdict: 'not-found' };
}

/** One look-up; a refused token comes back as its status, for the caller to renew it. */
function lookup(call: RegistryCall, taxCode: string, token: string, about: string): Promise<JsonAnswer<unknown>> {
  return requestJson(call.http, {
    url: `${call.config.baseUrl.replace(/\/+$/, '')}${call.config.lookupPath}`,
    params: { msdn: taxCode },
    headers: { authorization: `Bearer ${token}`, 'x-request-id': call.requestId },
    answer: v.unknown(),
    errorAnswer: (failure) => {
      if (tokenRejected(failure.status)) return undefined;
      throw statusError(failure, about);
    },
    signal: call.signal,
    timeoutMs: call.config.timeoutMs,
  });
}

const tokenRejected = (status: number) => findAnswer('registry', `HTTP_${status}`)?.verdict === 'token-rejected';

/** An error status whose body names nothing the table knows: the HTTP rows decide. */
const statusError = (failure: ErrorAnswer, about: string) => errorFor(httpRow(failure.status), `${about} (HTTP ${failure.status})`, failure.retryAfterMs);
