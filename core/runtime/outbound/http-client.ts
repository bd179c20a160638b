import axios, { type AxiosInstance } from 'axios';
import { Agent, ProxyAgent } from 'undici';
import { PermanentError, RetryableError, errorMessage } from '../../sdk/errors.ts';
import { hostOf } from '../../sdk/provider/host.ts';
import { httpStatusError } from '../../sdk/provider/http-status.ts';
import { MALFORMED_CALL, RESPONSE_TOO_LARGE, abortedError, malformedCallError, noAnswerError, timedOutAfterPauseError, tooLargeError } from './call-errors.ts';
import { DirectClient } from './direct-call.ts';
import { timedOutAfterPause, undiciAdapter } from './undici-adapter.ts';

export interface OutboundProxy {
  protocol?: 'http' | 'https';
  host: string;
  port: number;
}

export interface HttpClientOptions {
  /** Per call; a plugin may pass a shorter one per request. */
  timeoutMs: number;
  /** Sockets per origin for this instance: the provider sees at most this many connections from us. */
  maxSockets: number;
  /** Only from the instance config: the process environment's HTTP_PROXY is deliberately ignored. */
  proxy?: OutboundProxy;
}

/** The one outbound HTTP client factory: every plugin instance gets its own, with its own connection pool. */
export function createHttpClient(options: HttpClientOptions): AxiosInstance {
  const { proxy } = options;
  const dispatcher = proxy
    ? new ProxyAgent({ uri: `${proxy.protocol ?? 'http'}://${proxy.host}:${proxy.port}`, connections: options.maxSockets })
    : new Agent({ connections: options.maxSockets });
  const client = axios.create({
    adapter: undiciAdapter(dispatcher),
    timeout: options.timeoutMs,
    maxRedirects: 0,
    proxy: false,
    transitional: { clarifyTimeoutError: true },
  });
  client.interceptors.response.use(undefined, (error: unknown) => Promise.reject(classifyHttpError(error)));
  directClients.set(client, new DirectClient({ dispatcher, timeoutMs: options.timeoutMs, maxContentLength: () => client.defaults.maxContentLength ?? -1 }));
  return client;
}

/** Each client this factory made, with the direct path over the same pool (./direct-call.ts). */
const directClients = new WeakMap<AxiosInstance, DirectClient>();

/**
 * The direct path over the pool of `client`, for core's own plugins; undefined for a client this factory did not
 * make (a test's own axios instance), which the caller then uses as it is.
 */
export function directClientOf(client: AxiosInstance): DirectClient | undefined {
  return directClients.get(client);
}

/**
 * Maps what an HTTP call threw to the plugin contract's errors: no answer, a timeout, 5xx, 408, 425 and 429 are
 * retryable (with the server's Retry-After); any other status is a refusal a retry cannot change. A timeout that
 * came after a pause of this process is retryable but not the provider's fault. Messages name
 * the host and status only: URLs may carry credentials and bodies may carry personal data. The axios error is
 * not kept as `cause` for the same reason: it holds the request's body and headers.
 */
export function classifyHttpError(error: unknown): RetryableError | PermanentError {
  if (error instanceof RetryableError || error instanceof PermanentError) return error;
  if (!axios.isAxiosError(error)) return new RetryableError(errorMessage(error));
  const host = hostOf(error.config?.url, { base: error.config?.baseURL });
  if (error.code === RESPONSE_TOO_LARGE) return tooLargeError(host, error.config?.maxContentLength);
  if (error.code && MALFORMED_CALL.has(error.code)) return malformedCallError(host, error.code);
  const response = error.response;
  // An answer whose status the caller accepted that still failed (a body that would not parse): not a refusal.
  const validate = error.config?.validateStatus;
  const statusTaken = response !== undefined && (!validate || validate(response.status));
  if (response && !statusTaken) return httpStatusError(response.status, host, response.headers['retry-after']);
  if (error.code === 'ERR_CANCELED') return abortedError(host);
  if (timedOutAfterPause(error)) return timedOutAfterPauseError(host, error.code ?? 'ETIMEDOUT');
  return noAnswerError(host, error.code ?? 'NETWORK_ERROR');
}
