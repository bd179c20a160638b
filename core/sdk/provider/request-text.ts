/**
 * One call to a provider whose answer is read as text, whatever its status: over the instance's direct path when
 * the gateway made the client (one call through its pool, without axios's config merging, interceptors and
 * transforms), through axios otherwise (a plugin test's own instance). Failures with no answer (refused
 * connection, timeout, abort) arrive already classified by the instance's client. `requestJson` and SOAP
 * exchanges are built on it.
 */
import type { AxiosInstance, AxiosResponse } from 'axios';
import { directClientOf } from '../../runtime/outbound/http-client.ts';

export interface TextRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** With its query, if any. */
  url: string;
  headers: Record<string, string>;
  body?: string | undefined;
  /** The attempt's signal (undefined only for a call that many attempts share, such as a login). */
  signal: AbortSignal | undefined;
  /** Default: the instance client's timeout. */
  timeoutMs?: number | undefined;
}

export interface TextAnswer {
  status: number;
  headers: AxiosResponse['headers'];
  /** Decompressed if the provider compressed it unasked; '' when there was none. */
  body: string;
}

export async function requestText(http: AxiosInstance, request: TextRequest): Promise<TextAnswer> {
  const { method, url, headers, body, signal, timeoutMs } = request;
  const direct = directClientOf(http);
  if (direct) {
    const answer = await direct.call({ method, url, headers, body, signal, timeoutMs, accept: () => true, readBody: true });
    return { status: answer.status, headers: answer.headers as AxiosResponse['headers'], body: answer.body ?? '' };
  }
  const response = await http.request<unknown>({
    method,
    url,
    headers,
    data: body,
    // Sent and read as text: the body is the caller's to serialise and to parse.
    transformRequest: [(data: unknown) => data],
    responseType: 'text',
    transformResponse: [(data: unknown) => data],
    // Every status is read by the caller: an error's body may say more than its status.
    validateStatus: () => true,
    signal,
    ...(timeoutMs === undefined ? {} : { timeout: timeoutMs }),
  });
  return { status: response.status, headers: response.headers, body: typeof response.data === 'string' ? response.data : '' };
}
