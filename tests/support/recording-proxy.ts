/**
 * An HTTP proxy in front of a provider simulator run as a child process (`lienthong simulate …`), recording what the
 * simulator cannot: when each call began and ended, under a key read from the request (a message's tag in its text,
 * a look-up's path). A call counts as in progress from its request's arrival until its answer is written or its
 * caller goes away. Only for tests, on 127.0.0.1.
 *
 * Given the callers' process ids (Linux), each call is also filed under the process that made it, found from its
 * connection: the caller's port in /proc/net/tcp names the socket, and the process holding that socket among its
 * open files is the caller. An overlap is then a call arriving while one with the same key from ANOTHER process (or
 * from a caller not known) is in progress; a process's own retry after it gave up on a call (a timeout) is counted
 * apart (`ownRepeats`). Calls are forwarded at once; who made them is worked out beside, and overlaps at the end.
 */
import { Agent, type IncomingMessage, type ServerResponse, createServer, request } from 'node:http';
import { readFile, readdir, readlink } from 'node:fs/promises';
import type { AddressInfo, Socket } from 'node:net';

export interface ProxiedCall {
  key: string;
  /** performance.now() when its request had arrived whole, and when its answer was written or its caller left. */
  startedAt: number;
  endedAt?: number;
  /** The simulator's HTTP status; undefined when the caller went away first or the simulator could not be reached. */
  status?: number;
  /** The caller's process id, when it was one of those given. */
  caller?: number;
}

export interface RecordingProxy {
  url: string;
  /** Every call that had a key, in order of arrival. */
  calls: ProxiedCall[];
  /** Once every caller is known: the calls that began while a call with the same key from another process was in progress, and those from the same process. */
  settle(): Promise<{ overlaps: ProxiedCall[]; ownRepeats: ProxiedCall[] }>;
  /** The most calls (any key) that were in progress at once. */
  maxInProgress(): number;
  close(): Promise<void>;
}

/** Which of `pids` holds the TCP socket of each local port, from /proc/net/tcp and each process's open files. */
async function portOwners(pids: readonly number[]): Promise<Map<number, number>> {
  const ownerOfInode = new Map<string, number>();
  await Promise.all(
    pids.map(async (pid) => {
      const fds = await readdir(`/proc/${pid}/fd`).catch(() => [] as string[]);
      const links = await Promise.all(fds.map((fd) => readlink(`/proc/${pid}/fd/${fd}`).catch(() => '')));
      for (const link of links) {
        const inode = /^socket:\[(\d+)\]$/.exec(link)?.[1];
        if (inode) ownerOfInode.set(inode, pid);
      }
    }),
  );
  const owners = new Map<number, number>();
  for (const line of (await readFile('/proc/net/tcp', 'utf8')).split('\n')) {
    const fields = line.trim().split(/\s+/);
    const owner = ownerOfInode.get(fields[9] ?? '');
    const port = fields[1]?.split(':')[1];
    if (owner !== undefined && port) owners.set(Number.parseInt(port, 16), owner);
  }
  return owners;
}

export async function startRecordingProxy(
  target: string,
  keyOf: (path: string, body: string) => string | undefined,
  callers: () => readonly number[] = () => [],
): Promise<RecordingProxy> {
  const upstream = new URL(target);
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const calls: ProxiedCall[] = [];
  const lookups: Promise<void>[] = [];
  const callerOf = new WeakMap<Socket, Promise<number | undefined>>();
  let known = new Map<number, number>();
  let refreshing: Promise<void> | undefined;
  const refresh = () =>
    (refreshing ??= portOwners(callers())
      .then((owners) => {
        known = owners;
      })
      .finally(() => {
        refreshing = undefined;
      }));
  const ownerOf = async (port: number): Promise<number | undefined> => {
    // A refresh under way may have read the table before this connection was made: then one more.
    for (let tries = 0; tries < 2 && !known.has(port); tries++) await refresh();
    return known.get(port);
  };
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
        const started: ProxiedCall = { key, startedAt: performance.now() };
        call = started;
        calls.push(started);
        const caller = callerOf.get(req.socket);
        if (caller) lookups.push(caller.then((pid) => void (started.caller = pid)));
        if (res.closed) started.endedAt = started.startedAt;
        else {
          most = Math.max(most, ++now);
          res.once('close', () => {
            started.endedAt = performance.now();
            now -= 1;
          });
        }
      }
      forward(req, res, body, call);
    });
  });
  server.on('connection', (socket: Socket) => {
    if (callers().length > 0 && socket.remotePort) callerOf.set(socket, ownerOf(socket.remotePort).catch(() => undefined));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    async settle() {
      await Promise.all(lookups);
      const overlaps: ProxiedCall[] = [];
      const ownRepeats: ProxiedCall[] = [];
      const byKey = new Map<string, ProxiedCall[]>();
      for (const call of calls) byKey.set(call.key, [...(byKey.get(call.key) ?? []), call]);
      for (const same of byKey.values()) {
        for (const [i, later] of same.entries()) {
          const earlier = same.slice(0, i).filter((call) => later.startedAt < (call.endedAt ?? Number.POSITIVE_INFINITY));
          if (earlier.some((call) => call.caller === undefined || later.caller === undefined || call.caller !== later.caller)) overlaps.push(later);
          else if (earlier.length > 0) ownRepeats.push(later);
        }
      }
      return { overlaps, ownRepeats };
    },
    maxInProgress: () => most,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      agent.destroy();
    },
  };
}
