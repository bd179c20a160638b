/**
 * One flooding process of the connection-flood scenario (bench/flood.ts): opens BENCH_FLOOD_SOCKETS connections at
 * once from BENCH_FLOOD_LOCAL_ADDRESS to the gateway, and on each sends `GET /v1/messages/msg_flood` again as soon as
 * the previous answer is in (keep-alive), with the key BENCH_FLOOD_TOKEN, or with a new made-up key every request
 * when BENCH_FLOOD_TOKEN is empty. A connection the gateway closes is opened again after BENCH_FLOOD_RECONNECT_MS,
 * so the process keeps trying to hold them all. Bare sockets, no HTTP client: the flooder must cost little.
 * Prints `{"ready":{"sockets":n,"openFileLimit":…}}` once every connection has been started; on SIGTERM writes its
 * counts as JSON to BENCH_FLOOD_STATS and exits.
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { type Socket, connect } from 'node:net';
import { openFileLimit } from '../core/http/connection-limits.ts';

const env = (name: string) => {
  const value = process.env[name];
  if (value === undefined) throw new Error(`flood-client needs ${name}`);
  return value;
};
const target = new URL(env('BENCH_FLOOD_URL'));
const localAddress = env('BENCH_FLOOD_LOCAL_ADDRESS');
const token = process.env.BENCH_FLOOD_TOKEN ?? '';
const reconnectMs = Number(env('BENCH_FLOOD_RECONNECT_MS'));
const statsFile = env('BENCH_FLOOD_STATS');
const limit = openFileLimit();
/** Descriptors this process needs besides its sockets (stdio, tsx, the event loop's own). */
const SPARE_FILES = 64;
const sockets = Math.min(Number(env('BENCH_FLOOD_SOCKETS')), limit === undefined ? Number.POSITIVE_INFINITY : limit - SPARE_FILES);

export interface FloodClientStats {
  /** Connections asked to open, reconnections included. */
  attempted: number;
  /** Of those, established (the TCP handshake done, which the kernel does before the gateway accepts). */
  established: number;
  /** Closed by the gateway before a single answer on them. */
  closedUnanswered: number;
  /** Most connections open at once that had had at least one answer. */
  heldAtMost: number;
  /** Answers by HTTP status. */
  answers: Record<string, number>;
  /** Socket errors by code (ECONNRESET, ECONNREFUSED, …). */
  errors: Record<string, number>;
}

const stats: FloodClientStats = { attempted: 0, established: 0, closedUnanswered: 0, heldAtMost: 0, answers: {}, errors: {} };
let held = 0;
let stopping = false;
const open = new Set<Socket>();

const request = () =>
  `GET /v1/messages/msg_flood HTTP/1.1\r\nHost: ${target.host}\r\nAuthorization: Bearer ${token || `lt_cl_${randomBytes(18).toString('base64url')}`}\r\n\r\n`;

function openConnection(): void {
  if (stopping) return;
  stats.attempted += 1;
  const socket = connect({ host: target.hostname, port: Number(target.port), localAddress });
  open.add(socket);
  let answered = 0;
  let buffer = '';
  socket.setNoDelay(true);
  socket.on('connect', () => {
    stats.established += 1;
    socket.write(request());
  });
  socket.on('data', (chunk: Buffer) => {
    buffer += chunk.toString('latin1');
    for (;;) {
      const end = buffer.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = buffer.slice(0, end);
      const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
      if (buffer.length < end + 4 + length) return;
      buffer = buffer.slice(end + 4 + length);
      const status = /^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 'unparsed';
      stats.answers[status] = (stats.answers[status] ?? 0) + 1;
      answered += 1;
      if (answered === 1) {
        held += 1;
        stats.heldAtMost = Math.max(stats.heldAtMost, held);
      }
      if (!socket.destroyed && socket.writable) socket.write(request());
    }
  });
  socket.on('error', (error: NodeJS.ErrnoException) => {
    const code = error.code ?? 'other';
    stats.errors[code] = (stats.errors[code] ?? 0) + 1;
  });
  socket.on('close', () => {
    open.delete(socket);
    if (answered > 0) held -= 1;
    else stats.closedUnanswered += 1;
    setTimeout(openConnection, reconnectMs).unref();
  });
}

process.once('SIGTERM', () => {
  stopping = true;
  for (const socket of open) socket.destroy();
  writeFileSync(statsFile, JSON.stringify(stats));
  process.exit(0);
});

for (let n = 0; n < sockets; n++) openConnection();
process.stdout.write(`${JSON.stringify({ ready: { sockets, openFileLimit: limit ?? null } })}\n`);
// The reconnection timers are unref'd: this keeps the process alive until SIGTERM.
setInterval(() => undefined, 60_000);
