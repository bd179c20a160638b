/**
 * An HTTP proxy in front of a provider simulator run as a child process (`lienthong simulate …`), recording what the
 * simulator cannot: when each call began and ended, under a key read from the request (a message's tag in its text,
 * a look-up's path). A call counts as in progress from its request's arrival until its answer is written or its
 * caller goes away. Only for tests, on 127.0.0.1.
 */
import { Agent, type IncomingMessage, type ServerResponse, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ProxiedCall {
  key: string;
  startedAt: number;
  endedAt?: number;
  /** The simulator's HTTP status; undefined when the caller went away first or the simulator could not be reached. */
  status?: number;
}

export interface RecordingProxy {
  url: string;
  /** Every call that had a key, in order of arrival. */
  calls: ProxiedCall[];
  /** Keys of the calls that arrived while another call with the same key was still in progress. */
  overlaps: string[];
  /** The most calls (any key) that were in progress at once. */
  maxInProgress(): number;
  close(): Promise<void>;
}

export async function startRecordingProxy(target: string, keyOf: (path: string, body: string) => string | undefined): Promise<RecordingProxy> {
  const upstream = new URL(target);
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const calls: ProxiedCall[] = [];
  const overlaps: string[] = [];
  const inProgress = new Map<string, number>();
  let now = 0;
  let most = 0;

  const forward = (req: IncomingMessage, res: ServerResponse, body: Buffer, call: ProxiedCall | undefined) => {
    const out = request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: { ...req.headers, host: upstream.host }, agent },
      (answer) => {
        if (call) call.status = answer.statusCode;
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    out.on('error', () => {
      if (!res.headersSent) res.writeHead(502).end();
      else res.destroy();
    });
    out.end(body);
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const key = keyOf(req.url ?? '/', body.toString('utf8'));
      let call: ProxiedCall | undefined;
      if (key !== undefined) {
        call = { key, startedAt: Date.now() };
        calls.push(call);
        const same = (inProgress.get(key) ?? 0) + 1;
        inProgress.set(key, same);
        if (same > 1) overlaps.push(key);
        most = Math.max(most, ++now);
        const ended = call;
        res.once('close', () => {
          ended.endedAt = Date.now();
          now -= 1;
          const left = (inProgress.get(key) ?? 1) - 1;
          if (left === 0) inProgress.delete(key);
          else inProgress.set(key, left);
        });
      }
      forward(req, res, body, call);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    overlaps,
    maxInProgress: () => most,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      agent.destroy();
    },
  };
}
