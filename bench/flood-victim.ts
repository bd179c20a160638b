import http from 'node:http';
import { performance } from 'node:perf_hooks';

/** Answers slower than this are given up and counted as failures. */
const GIVE_UP_MS = 15_000;

export type VictimClient = 'pooled' | 'fresh';

export interface VictimRequest {
  phase: string;
  client: VictimClient;
  /**
   * To the end of its answer from when it was on a connection: for the pooled client, once the pool handed it a
   * connection (waiting for a free one is the client's queue, not the gateway's); for a new connection, from its
   * start, connecting included.
   */
  ms: number;
  /** Pooled client: how long it waited for a free connection of the pool. */
  queuedMs: number;
  /** The HTTP status, or what went wrong (`ECONNRESET`, `timeout`, …). */
  outcome: number | string;
}

/**
 * Another key's requests during the flood: `POST /v1/sms/send` sent on schedule (an open loop, whatever the answers
 * do), `ratePerSecond` through a keep-alive pool of up to 8 connections, as the one-stop software's client would, and
 * as many each on a new connection, from `localAddress`. Each request is counted in the phase it was sent in.
 * Timeouts give up after 15 s, counted from the request's start.
 */
export function startVictim(url: string, key: string, body: string, ratePerSecond: number, localAddress: string) {
  const pooled = new http.Agent({ keepAlive: true, maxSockets: 8, localAddress });
  const target = new URL('/v1/sms/send', url);
  const done: VictimRequest[] = [];
  const pending = new Set<Promise<void>>();
  let phase = 'warm-up';

  const send = (client: VictimClient) => {
    const sentIn = phase;
    const started = performance.now();
    let onConnection = started;
    const answered = new Promise<void>((resolve) => {
      const finish = (outcome: number | string) => {
        done.push({ phase: sentIn, client, ms: performance.now() - onConnection, queuedMs: onConnection - started, outcome });
        resolve();
      };
      const request = http.request(
        target,
        {
          method: 'POST',
          agent: client === 'pooled' ? pooled : false,
          localAddress,
          timeout: GIVE_UP_MS,
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        },
        (response) => {
          response.resume();
          response.on('end', () => finish(response.statusCode ?? 0));
          response.on('error', (error: NodeJS.ErrnoException) => finish(error.code ?? 'error'));
        },
      );
      if (client === 'pooled') {
        request.on('socket', (socket) => {
          if (!socket.connecting) onConnection = performance.now();
          else socket.once('connect', () => (onConnection = performance.now()));
        });
      }
      request.on('timeout', () => request.destroy(Object.assign(new Error('gave up'), { code: 'timeout' })));
      request.on('error', (error: NodeJS.ErrnoException) => finish(error.code ?? 'error'));
      request.end(body);
    });
    pending.add(answered);
    answered.finally(() => pending.delete(answered));
  };

  const timer = setInterval(() => {
    send('pooled');
    send('fresh');
  }, 1000 / ratePerSecond);

  return {
    /** Requests sent from now on count in `name`. */
    phase(name: string) {
      phase = name;
    },
    /** Stops sending, waits for every answer (or its giving up), and returns them all. */
    async stop(): Promise<VictimRequest[]> {
      clearInterval(timer);
      await Promise.all([...pending]);
      pooled.destroy();
      return done;
    },
  };
}

export interface LatencySummary {
  answered: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Requests without an answer, or answered other than 202, by what happened. */
  failures: Record<string, number>;
  /** Requests that waited for a free connection of the pool, and the longest wait. */
  queued: { count: number; maxMs: number };
}

export function summarizeLatency(requests: VictimRequest[]): LatencySummary {
  const ok = requests.filter((request) => request.outcome === 202).map((request) => request.ms).sort((a, b) => a - b);
  const at = (share: number) => ok[Math.max(0, Math.ceil(share * ok.length) - 1)] ?? Number.NaN;
  const failures: Record<string, number> = {};
  for (const request of requests) if (request.outcome !== 202) failures[String(request.outcome)] = (failures[String(request.outcome)] ?? 0) + 1;
  const waits = requests.map((request) => request.queuedMs).filter((ms) => ms >= 1);
  return { answered: ok.length, p50Ms: at(0.5), p99Ms: at(0.99), maxMs: ok.at(-1) ?? Number.NaN, failures, queued: { count: waits.length, maxMs: Math.max(0, ...waits) } };
}
