import { readFileSync } from 'node:fs';
import type { Server, ServerOptions } from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import type { GatewayConfig } from '../config/load.ts';
import type { ConnectionCapName } from '../metrics/connection-metrics.ts';
import { clientAddress } from './client-address.ts';

export type ConnectionLimits = GatewayConfig['connectionLimits'];

/** Open connections in all when the config sets none (and the open-file limit leaves room for them). */
export const DEFAULT_MAX_CONNECTIONS = 4096;
/** File descriptors left to the store, outbound calls to providers, logs and the sandbox's simulators. */
export const RESERVED_FILES = 256;
/** A flood of refused connections is logged once, then at most once a minute with the count. */
const REFUSAL_LOG_INTERVAL_MS = 60_000;

/** `http.createServer` options: timeouts that keep a slow or silent client from holding a connection. */
export function serverTimeouts(limits: ConnectionLimits): ServerOptions {
  return {
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    // Node checks the two timeouts above every 30 s by default: a silent client would keep its connection that much longer.
    connectionsCheckingInterval: Math.min(1_000, Math.max(25, Math.floor(limits.headersTimeoutMs / 4))),
  };
}

/** The soft limit on open files of this process (Linux); undefined where it cannot be read or is unlimited. */
export function openFileLimit(limitsFile = '/proc/self/limits'): number | undefined {
  try {
    const match = /^Max open files\s+(\d+)/m.exec(readFileSync(limitsFile, 'utf8'));
    return match?.[1] ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The cap on open connections: the configured one, or the default lowered to what the open-file limit leaves, so
 * that a flood of connections cannot take the descriptors the store and the outbound calls need. A configured cap
 * above that room is kept, with a warning saying what to raise.
 */
export function maxConnections(configured: number | undefined, openFiles = openFileLimit()): { max: number; warning?: string } {
  const room = openFiles === undefined ? undefined : Math.max(1, openFiles - RESERVED_FILES);
  if (configured === undefined) return { max: Math.min(DEFAULT_MAX_CONNECTIONS, room ?? DEFAULT_MAX_CONNECTIONS) };
  if (room === undefined || configured <= room) return { max: configured };
  const needed = configured + RESERVED_FILES;
  return {
    max: configured,
    warning: `limits.connections is ${configured} but this process may open only ${openFiles} files: raise its open-file limit to ${needed} or more (LimitNOFILE= in the systemd unit, ulimit -n) or lower limits.connections to ${room}`,
  };
}

export interface ConnectionCap {
  /** The cap on open connections in all. */
  readonly max: number;
  /** Client addresses with a connection open now; 0 once every connection has closed. */
  readonly addressesOpen: number;
}

/**
 * Caps the server's connections, in all (`server.maxConnections`: Node closes any above it as it accepts them) and
 * per client address (counted here, closed as they are accepted). A refused connection is closed before anything is
 * read from it: answering it would mean reading its request, holding the very socket the cap is there to free.
 */
export function capConnections(server: Server, limits: ConnectionLimits, log: Logger, onRefused: (cap: ConnectionCapName) => void = () => {}): ConnectionCap {
  const { max, warning } = maxConnections(limits.maxConnections);
  if (warning) log.warn(warning);
  server.maxConnections = max;
  const perAddress = limits.maxConnectionsPerAddress;
  const open = new Map<string, number>();
  const refusals = refusalLog(log);

  server.on('drop', (dropped?: { remoteAddress?: string }) => {
    onRefused('connections');
    refusals.note(`over the cap of ${max} open connections (limits.connections)`, clientAddress(dropped?.remoteAddress));
  });
  if (perAddress > 0) {
    server.on('connection', (socket: Socket) => {
      const address = clientAddress(socket.remoteAddress);
      if (address === undefined) return;
      const count = open.get(address) ?? 0;
      if (count >= perAddress) {
        socket.destroy();
        onRefused('connectionsPerAddress');
        refusals.note(`over the cap of ${perAddress} open connections per address (limits.connectionsPerAddress)`, address);
        return;
      }
      open.set(address, count + 1);
      socket.once('close', () => {
        const left = (open.get(address) ?? 1) - 1;
        if (left > 0) open.set(address, left);
        else open.delete(address);
      });
    });
  }
  return {
    max,
    get addressesOpen() {
      return open.size;
    },
  };
}

/** One warning when connections start being refused, then at most one a minute, with how many were refused since. */
function refusalLog(log: Logger) {
  let loggedAt = Number.NEGATIVE_INFINITY;
  let unlogged = 0;
  return {
    note(reason: string, address: string | undefined) {
      unlogged += 1;
      const now = performance.now();
      if (now - loggedAt < REFUSAL_LOG_INTERVAL_MS) return;
      log.warn({ refused: unlogged, lastAddress: address }, `connections refused, ${reason}: they were closed at once; raise the limit if these clients are expected`);
      loggedAt = now;
      unlogged = 0;
    },
  };
}
