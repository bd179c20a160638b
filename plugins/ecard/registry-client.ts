/**
 * The national business registry through NGSP (the data-sharing platform): an OAuth2 client-credentials token
 * (Basic auth of consumer key and secret), then `GET {baseUrl}/apiCSDLDKDN/1.0/chiTietDoanhNghiep?msdn=…` with it.
 */
import type { AxiosInstance, AxiosResponse } from 'axios';
import { PermanentError, parseRetryAfter } from '../../core/sdk/index.ts';
import { textAt } from './answer-fields.ts';
import type { RegistryConfig } from './config.ts';
import { errorFor, findAnswer, httpRow, malformedAnswer, unknownCode } from './results.ts';
import type { IssuedToken, TokenCache } from './token-cache.ts';

export interface RegistryCall {
  config: RegistryConfig;
  http: AxiosInstance;
  signal: AbortSignal;
  requestId: string;
  tokens: TokenCache;
}

export type RegistryAnswer = { verdict: 'ok'; body: unknown } | { verdict: 'not-found' };

/**
 * Asks the token endpoint for a token. The look-ups' requests are not tied to one caller's signal (concurrent look-ups
 * share the request, so one caller giving up must not fail the others); the health check passes its own.
 */
export async function issueToken(call: Pick<RegistryCall, 'config' | 'http'> & { signal?: AbortSignal }): Promise<IssuedToken> {
  const { config } = call;
  const basic = Buffer.from(`${config.consumerKey}:${config.consumerSecret.reveal()}`).toString('base64');
  const response = await call.http.post<unknown>(config.tokenUrl, 'grant_type=client_credentials', {
    headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    ...(call.signal ? { signal: call.signal } : {}),
    timeout: config.timeoutMs,
    validateStatus: () => true,
  });
  const about = 'NGSP token endpoint';
  const body = response.data;
  if (response.status === 200) {
    const accessToken = textAt(body, 'access_token');
    if (!accessToken) throw malformedAnswer(about, 'no access_token');
    const expiresIn = Number(textAt(body, 'expires_in'));
    return { accessToken, expiresInMs: Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn * 1000 : undefined };
  }
  const error = textAt(body, 'error');
  if (error !== undefined) {
    const row = findAnswer('token', error);
    if (!row) throw unknownCode(about, 'token', error);
    throw errorFor(row, `${about} (HTTP ${response.status})`, parseRetryAfter(response.headers['retry-after']));
  }
  throw errorFor(httpRow(response.status), `${about} (HTTP ${response.status})`, parseRetryAfter(response.headers['retry-after']));
}

/** Looks a business up by tax code; a refused token is renewed once. */
export async function registryLookup(call: RegistryCall, taxCode: string): Promise<RegistryAnswer> {
  const about = `national business registry, tax code ${taxCode}`;
  const fetchToken = () => issueToken({ config: call.config, http: call.http });
  let token = await call.tokens.get(fetchToken);
  let response = await lookup(call, taxCode, token);
  if (tokenRejected(response)) {
    call.tokens.invalidate(token);
    token = await call.tokens.get(fetchToken);
    response = await lookup(call, taxCode, token);
    if (tokenRejected(response)) throw new PermanentError(`${about}: NGSP refused a fresh token too`, { code: `HTTP_${response.status}` });
  }
  if (response.status !== 200) throw errorFor(httpRow(response.status), `${about} (HTTP ${response.status})`, parseRetryAfter(response.headers['retry-after']));
  if (response.data === null || typeof response.data !== 'object') throw malformedAnswer(about, 'not a JSON object');
  const found = textAt(response.data, call.config.fields.name) !== undefined;
  const row = findAnswer('registry', found ? 'found' : 'empty');
  return row?.verdict === 'ok' ? { verdict: 'ok', body: response.data } : { verdict: 'not-found' };
}

function lookup(call: RegistryCall, taxCode: string, token: string): Promise<AxiosResponse<unknown>> {
  const url = `${call.config.baseUrl.replace(/\/+$/, '')}${call.config.lookupPath}`;
  return call.http.get<unknown>(url, {
    params: { msdn: taxCode },
    headers: { authorization: `Bearer ${token}`, accept: 'application/json', 'x-request-id': call.requestId },
    signal: call.signal,
    timeout: call.config.timeoutMs,
    validateStatus: () => true,
  });
}

const tokenRejected = (response: AxiosResponse<unknown>) => findAnswer('registry', `HTTP_${response.status}`)?.verdict === 'token-rejected';
