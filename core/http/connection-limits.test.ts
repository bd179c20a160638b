/**
 * The gateway's connection limits over real HTTP on 127.0.0.1: the caps close extra connections at once while a
 * client already connected keeps its answers, a client too slow with its headers is closed, and a client address
 * that keeps sending unknown keys is told to wait while a valid key is still served. Linux routes all of
 * 127.0.0.0/8 to the loopback interface, so 127.0.0.2 stands for a second client machine.
 */
import { Agent, createServer, request } from 'node:http';
import { type Socket, connect } from 'node:net';
import { once } from 'node:events';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createKey } from '../api-keys.ts';
import { ConfigError } from '../config/config-error.ts';
import { loadConfig } from '../config/load.ts';
import { type RunningGateway, startGateway } from '../gateway.ts';
import { openTempStore, type TempStore } from '../store/temp-store.test-helper.ts';
import { DEFAULT_MAX_CONNECTIONS, capConnections, maxConnections, openFileLimit } from './connection-limits.ts';

const T0 = Date.parse('2026-11-21T09:30:00+07:00');
const OTHER_MACHINE = '127.0.0.2';
const silent = pino({ level: 'silent' });

let db: TempStore | undefined;
let gateway: RunningGateway | undefined;
const sockets: Socket[] = [];
const agents: Agent[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  for (const agent of agents.splice(0)) agent.destroy();
  await gateway?.stop(0);
  await db?.dispose();
  gateway = undefined;
  db = undefined;
});

/** A gateway on 127.0.0.1 with these `limits`, its clock stopped at T0; answers its port. */
async function start(limits: Record<string, unknown>): Promise<number> {
  db = await openTempStore();
  const config = loadConfig({ agencies: [{ code: '000.00.01.H22' }], limits }, []);
  gateway = await startGateway({ config, store: db.store, log: silent, port: 0, host: '127.0.0.1', clock: { now: () => T0 } });
  return Number(new URL(gateway.url).port);
}

interface RawConnection {
  socket: Socket;
  /** Everything the server sent on it. */
  received(): string;
  /** Settles when the connection is closed, by either side. */
  closed: Promise<unknown>;
}

/** A TCP connection from `localAddress`, once established; nothing is sent on it. */
async function open(port: number, localAddress = '127.0.0.1'): Promise<RawConnection> {
  const socket = connect({ port, host: '127.0.0.1', localAddress });
  sockets.push(socket);
  let received = '';
  socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
  socket.on('error', () => undefined);
  const closed = once(socket, 'close');
  await once(socket, 'connect');
  return { socket, received: () => received, closed };
}

/** A keep-alive client holding one connection, as the one-stop software's HTTP client does. */
function keepAliveClient() {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  agents.push(agent);
  return agent;
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** Whether the request went on a connection already used for an earlier one. */
  reusedConnection: boolean;
}

function get(port: number, path: string, options: { token?: string; agent?: Agent; localAddress?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      { host: '127.0.0.1', port, path, agent: options.agent ?? false, localAddress: options.localAddress, headers: options.token ? { authorization: `Bearer ${options.token}` } : {} },
      (response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString()));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body, reusedConnection: outgoing.reusedSocket }));
      },
    );
    outgoing.on('error', reject);
    outgoing.end();
  });
}

/**
 * `send` again while its connection is refused: a client's close reaches the server a moment after the client's own
 * 'close' event, and until then the server still counts that connection.
 */
async function onceServerSawTheClose<T>(send: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      return await send();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ECONNRESET') throw error;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
}

/** lienthong_connections_refused_total by limit, from the gateway's /metrics. */
async function refusedCounts(port: number, agent?: Agent): Promise<Record<string, number>> {
  const { body } = await get(port, '/metrics', agent ? { agent } : {});
  return Object.fromEntries([...body.matchAll(/^lienthong_connections_refused_total\{limit="(\w+)"\} (\d+)$/gm)].map((match) => [match[1], Number(match[2])]));
}

describe('the cap on connections per client address', () => {
  it('closes the connections over the cap at once, while a client from another address keeps its answers', async () => {
    // A headers timeout far beyond the test's: only the cap can close an idle connection here.
    const port = await start({ connectionsPerAddress: 3, headersTimeoutMs: 600_000, requestTimeoutMs: 600_000 });
    const client = keepAliveClient();
    expect((await get(port, '/healthz', { agent: client })).status).toBe(200);

    const held = await Promise.all([1, 2, 3].map(() => open(port, OTHER_MACHINE)));
    const extra = await Promise.all([1, 2].map(() => open(port, OTHER_MACHINE)));
    await Promise.all(extra.map((connection) => connection.closed));
    // Closed before anything was read or answered: no 408, no response at all.
    expect(extra.map((connection) => connection.received())).toEqual(['', '']);
    expect(await refusedCounts(port)).toEqual({ connections: 0, connectionsPerAddress: 2 });
    expect(held.map((connection) => connection.socket.destroyed)).toEqual([false, false, false]);

    const during = await get(port, '/healthz', { agent: client });
    expect(during).toMatchObject({ status: 200, reusedConnection: true });
    // A new connection from an address under its cap is served too.
    expect((await get(port, '/healthz')).status).toBe(200);

    // Once the held connections close, that address may connect again: nothing of them is kept.
    for (const connection of held) connection.socket.destroy();
    await Promise.all(held.map((connection) => connection.closed));
    expect((await onceServerSawTheClose(() => get(port, '/healthz', { localAddress: OTHER_MACHINE }))).status).toBe(200);
  });

  it('counts every address alike: a fourth connection from the keep-alive client\'s own address is refused too', async () => {
    const port = await start({ connectionsPerAddress: 2, headersTimeoutMs: 600_000, requestTimeoutMs: 600_000 });
    const client = keepAliveClient();
    expect((await get(port, '/healthz', { agent: client })).status).toBe(200);
    await open(port);
    const extra = await open(port);
    await extra.closed;
    expect(extra.received()).toBe('');
    expect(await get(port, '/healthz', { agent: client })).toMatchObject({ status: 200, reusedConnection: true });
  });

  it('forgets an address once its last connection closes', async () => {
    const server = createServer((_, response) => response.end('ok'));
    const cap = capConnections(server, { maxConnections: 100, maxConnectionsPerAddress: 2, headersTimeoutMs: 60_000, requestTimeoutMs: 60_000, keepAliveTimeoutMs: 5_000 }, silent);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const port = (server.address() as { port: number }).port;
    try {
      const connections = await Promise.all(['127.0.0.1', '127.0.0.1', OTHER_MACHINE].map((address) => open(port, address)));
      // The server counts a connection when it accepts it, which may come after the client's 'connect'.
      while (cap.addressesOpen < 2) await new Promise((resolve) => setImmediate(resolve));
      expect(cap.addressesOpen).toBe(2);
      for (const connection of connections) connection.socket.destroy();
      while (cap.addressesOpen > 0) await new Promise((resolve) => setImmediate(resolve));
      expect(cap.addressesOpen).toBe(0);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});

describe('the cap on connections in all', () => {
  it('closes the connections over it at once, while the connected keep-alive client keeps its answers', async () => {
    const port = await start({ connections: 3, connectionsPerAddress: 0, headersTimeoutMs: 600_000, requestTimeoutMs: 600_000 });
    const client = keepAliveClient();
    expect((await get(port, '/healthz', { agent: client })).status).toBe(200);
    await open(port, OTHER_MACHINE);
    await open(port, OTHER_MACHINE);
    const extra = await open(port, OTHER_MACHINE);
    await extra.closed;
    expect(extra.received()).toBe('');
    expect(await get(port, '/healthz', { agent: client })).toMatchObject({ status: 200, reusedConnection: true });
    // Read on the kept-alive connection: a new one would be over the cap too.
    expect(await refusedCounts(port, client)).toEqual({ connections: 1, connectionsPerAddress: 0 });
  });

  it('defaults to 4096, lowered to what the open-file limit leaves room for', () => {
    expect(maxConnections(undefined, undefined)).toEqual({ max: DEFAULT_MAX_CONNECTIONS });
    expect(maxConnections(undefined, 1024)).toEqual({ max: 768 });
    expect(maxConnections(undefined, 65_536)).toEqual({ max: 4096 });
    expect(maxConnections(500, 1024)).toEqual({ max: 500 });
    const tooMany = maxConnections(5000, 1024);
    expect(tooMany.max).toBe(5000);
    expect(tooMany.warning).toBe(
      'limits.connections is 5000 but this process may open only 1024 files: raise its open-file limit to 5256 or more (LimitNOFILE= in the systemd unit, ulimit -n) or lower limits.connections to 768',
    );
  });

  it("reads this process's open-file limit", () => {
    const limit = openFileLimit();
    if (process.platform === 'linux') expect(limit).toBeGreaterThan(0);
    expect(openFileLimit('/no/such/file')).toBeUndefined();
  });
});

describe('the headers and request timeouts', () => {
  it('answers 408 and closes a connection whose headers do not arrive in time, and one that sends nothing', async () => {
    const port = await start({ headersTimeoutMs: 300, requestTimeoutMs: 300 });
    const slow = await open(port);
    slow.socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ');
    const silentClient = await open(port);
    await Promise.all([slow.closed, silentClient.closed]);
    expect(slow.received()).toMatch(/^HTTP\/1\.1 408 /);
    expect(silentClient.received()).toMatch(/^HTTP\/1\.1 408 /);
    // A client that sends its request in time is answered as ever.
    expect((await get(port, '/healthz')).status).toBe(200);
  });

  it('closes a connection whose body does not arrive within the request timeout', async () => {
    const port = await start({ headersTimeoutMs: 200, requestTimeoutMs: 400 });
    const { token } = await createKey(db!.store, { role: 'operator' });
    const slow = await open(port);
    slow.socket.write(`POST /admin/v1/replay HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"status"`);
    await slow.closed;
    expect(slow.received()).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('is refused by the config when the headers may take longer than the whole request', () => {
    const load = () => loadConfig({ agencies: [{ code: 'A1' }], limits: { headersTimeoutMs: 20_000, requestTimeoutMs: 10_000 } }, []);
    expect(load).toThrow(ConfigError);
    expect(load).toThrow('config: limits.headersTimeoutMs (20000) must not be above limits.requestTimeoutMs (10000): the whole request includes its headers');
  });

  it('has defaults: 10 s for headers, 30 s for the request, 5 s idle keep-alive, 256 connections per address', () => {
    const config = loadConfig({ agencies: [{ code: 'A1' }] }, []);
    expect(config.connectionLimits).toEqual({ maxConnections: undefined, maxConnectionsPerAddress: 256, headersTimeoutMs: 10_000, requestTimeoutMs: 30_000, keepAliveTimeoutMs: 5_000 });
    expect(config.unknownKeyRateLimit).toEqual({ requestsPerSecond: 10, burst: 20 });
  });
});

describe('requests with an unknown key, per client address', () => {
  it('answer 429 problem+json with Retry-After past the limit, while a valid key from the same address gets 200', async () => {
    const port = await start({ unknownKeyRequestsPerSecondPerAddress: 1, unknownKeyBurstPerAddress: 3 });
    const { token } = await createKey(db!.store, { role: 'operator' });
    const wrong = 'lt_op_nobody-was-given-this-key';

    // The burst: missing, malformed and unknown keys all count, each answered 401 as ever.
    expect((await get(port, '/admin/v1/messages')).status).toBe(401);
    expect((await get(port, '/v1/messages/msg_x', { token: 'two words' })).status).toBe(401);
    expect((await get(port, '/admin/v1/messages', { token: wrong })).status).toBe(401);

    const refused = await get(port, '/admin/v1/messages', { token: wrong });
    expect(refused.status).toBe(429);
    expect(refused.headers['content-type']).toBe('application/problem+json');
    expect(refused.headers['retry-after']).toBe('1');
    expect(JSON.parse(refused.body)).toMatchObject({
      type: 'urn:lienthong:problem:too-many-requests',
      status: 429,
      detail: 'this address sent more than 1 requests per second without a valid API key: check the key, then retry after 1 s',
    });
    expect((await get(port, '/v1/messages/msg_x')).status).toBe(429);

    // A valid key is served whatever its address sent before; another address has its own budget.
    expect((await get(port, '/admin/v1/messages', { token })).status).toBe(200);
    expect((await get(port, '/admin/v1/messages', { token: wrong, localAddress: OTHER_MACHINE })).status).toBe(401);
  });
});
