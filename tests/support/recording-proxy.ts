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
 * apart (`ownRepeats`). A call whose caller closed its connection before the answer (an attempt
 * given up on a timeout, its request read late by a loaded machine) is no attempt in progress: it is counted, not
 * compared. Calls are forwarded at once, and overlaps worked out at the end.
 */
import { Agent, type IncomingMessage, type ServerResponse, createServer, request } from 'node:http';
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
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
  /** Its caller had left (closed its connection: it gave the call up) before the answer was written. */
  abandoned?: boolean;
}

export interface RecordingProxy {
  url: string;
  /** Every call that had a key, in order of arrival. */
  calls: ProxiedCall[];
  /**
   * The calls that began while a call with the same key from another process was in progress, and those from the same
   * process; calls their callers gave up (abandoned) are not attempts in progress and are left out.
   */
  settle(): Promise<{ overlaps: ProxiedCall[]; ownRepeats: ProxiedCall[] }>;
  /** The most calls (any key) that were in progress at once. */
  maxInProgress(): number;
  /** Calls of the process `pid` in progress now. */
  inProgressOf(pid: number): number;
  /** Connections whose caller had closed them before the proxy accepted them (not forwarded). */
  abandoned(): number;
  close(): Promise<void>;
}

/**
 * Which of `pids` holds the TCP socket of each local port, from /proc/net/tcp and each process's open files. Read
 * synchronously as a connection is accepted: the caller may close it soon after (an attempt given up), and then no
 * process holds it any more.
 */
/** The caller of a connection it had closed before the proxy accepted it. */
const ABANDONED = -1;

function portOwners(pids: readonly number[], proxyPort: number): Map<number, number> {
  // The table first: a socket listed there is still among its process's files when they are read just after.
  const rows = readFileSync('/proc/net/tcp', 'utf8')
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter((fields) => fields[2] !== undefined && Number.parseInt(fields[2].split(':')[1] ?? '', 16) === proxyPort);
  const ownerOfInode = new Map<string, number>();
  for (const pid of pids) {
    let fds: string[] = [];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      let link = '';
      try {
        link = readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        continue;
      }
      const inode = /^socket:\[(\d+)\]$/.exec(link)?.[1];
      if (inode) ownerOfInode.set(inode, pid);
    }
  }
  const owners = new Map<number, number>();
  for (const fields of rows) {
    const port = Number.parseInt(fields[1]?.split(':')[1] ?? '', 16);
    const owner = ownerOfInode.get(fields[9] ?? '');
    if (owner !== undefined) owners.set(port, owner);
    // Its caller's end of a connection to this proxy that no process holds any more (inode 0): the caller closed it.
    else if (fields[9] === '0' && !owners.has(port)) owners.set(port, ABANDONED);
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
  const callerOf = new WeakMap<Socket, number | undefined>();
  let known = new Map<number, number>();
  let proxyPort = 0;
  const ownerOf = (port: number): number | undefined => {
    if (!known.has(port)) known = portOwners(callers(), proxyPort);
    return known.get(port);
  };
  let now = 0;
  let most = 0;
  let abandoned = 0;

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
        const started: ProxiedCall = { key, startedAt: performance.now(), caller: callerOf.get(req.socket) };
        call = started;
        calls.push(started);
        if (res.closed) started.endedAt = started.startedAt;
        else {
          most = Math.max(most, ++now);
          res.once('close', () => {
            started.endedAt = performance.now();
            started.abandoned = !res.writableFinished || req.socket.readableEnded;
            now -= 1;
          });
        }
      }
      forward(req, res, body, call);
    });
  });
  server.on('connection', (socket: Socket) => {
    if (callers().length === 0 || !socket.remotePort) return;
    const caller = ownerOf(socket.remotePort);
    // Its caller gave up on it (a timeout) before this proxy, running late, took it: it never reaches the provider,
    // as a request lost on the way would not.
    if (caller === ABANDONED) {
      abandoned += 1;
      socket.destroy();
      return;
    }
    callerOf.set(socket, caller);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  proxyPort = port;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    async settle() {
      const overlaps: ProxiedCall[] = [];
      const ownRepeats: ProxiedCall[] = [];
      const byKey = new Map<string, ProxiedCall[]>();
      for (const call of calls) byKey.set(call.key, [...(byKey.get(call.key) ?? []), call]);
      for (const same of byKey.values()) {
        for (const [i, later] of same.entries()) {
          if (later.abandoned) continue;
          const earlier = same.slice(0, i).filter((call) => !call.abandoned && later.startedAt < (call.endedAt ?? Number.POSITIVE_INFINITY));
          if (earlier.some((call) => call.caller === undefined || later.caller === undefined || call.caller !== later.caller)) overlaps.push(later);
          else if (earlier.length > 0) ownRepeats.push(later);
        }
      }
      return { overlaps, ownRepeats };
    },
    maxInProgress: () => most,
    abandoned: () => abandoned,
    inProgressOf: (pid) => calls.filter((call) => call.caller === pid && call.endedAt === undefined).length,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      agent.destroy();
    },
  };
}
