/**
 * What a plugin sent to a provider's msw handler, kept in order so that a test can assert on it: the headers, the
 * body exactly as sent, and the body read as JSON when it is a JSON object.
 */

export interface SentRequest {
  method: string;
  url: URL;
  headers: Headers;
  /** The body exactly as sent; empty when there was none. */
  text: string;
  /** The body read as JSON, when it is a JSON object; otherwise undefined (a SOAP envelope, a form). */
  json: Record<string, unknown> | undefined;
}

/** A request whose body was a JSON object, as `recordJsonRequests` keeps them. */
export interface SentJsonRequest extends SentRequest {
  json: Record<string, unknown>;
}

export interface RecordedRequests<Sent extends SentRequest = SentRequest> {
  /** What was sent, oldest first. */
  readonly sent: Sent[];
  /** Reads a copy of `request` (the handler may still read it) and keeps it. */
  record(request: Request): Promise<Sent>;
}

/** Keeps every request an msw handler gets: call `record(request)` in the handler, assert on `sent`. */
export function recordRequests(): RecordedRequests {
  const sent: SentRequest[] = [];
  return {
    sent,
    async record(request) {
      const kept = await readSentRequest(request);
      sent.push(kept);
      return kept;
    },
  };
}

/** As `recordRequests`, for a provider that takes JSON objects only: another body fails the request (and so the test). */
export function recordJsonRequests(): RecordedRequests<SentJsonRequest> {
  const sent: SentJsonRequest[] = [];
  return {
    sent,
    async record(request) {
      const { json, ...kept } = await readSentRequest(request);
      if (!json) throw new Error(`${request.method} ${request.url}: the plugin sent no JSON object`);
      const withJson = { ...kept, json };
      sent.push(withJson);
      return withJson;
    },
  };
}

/** One request as sent, read from a copy so that the original's body stays unread. */
export async function readSentRequest(request: Request): Promise<SentRequest> {
  const text = await request.clone().text();
  return { method: request.method, url: new URL(request.url), headers: request.headers, text, json: jsonObject(text) };
}

function jsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
