/** For simulators on a raw node:http server (the SOAP one): a fault's web Response written to the node response. */
import type { ServerResponse } from 'node:http';

export async function writeResponse(res: ServerResponse, response: Response): Promise<void> {
  const body = Buffer.from(await response.arrayBuffer());
  if (res.destroyed) return;
  res.writeHead(response.status, Object.fromEntries(response.headers)).end(body);
}

/**
 * The reason of every signal below: made once, since `abort()` without one makes a DOMException (with its stack)
 * for each request: about 5% of the SOAP simulator's time under load.
 */
const RESPONSE_CLOSED = new Error('the response was closed');

/** Aborts when the client goes away or the response ends, so a held request is let go. */
export function closedSignal(res: ServerResponse): AbortSignal {
  const controller = new AbortController();
  res.once('close', () => controller.abort(RESPONSE_CLOSED));
  return controller.signal;
}
