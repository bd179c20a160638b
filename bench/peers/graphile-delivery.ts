/**
 * The delivery peer: graphile-worker 0.17 as its documentation tunes it for throughput (a local queue of 200 jobs,
 * batched completion), concurrency 32, each job one signed webhook POST of its event to the bench's receiver over
 * undici. Run as a child, with its own pg Pool (as many connections as the concurrency, as graphile-worker asks,
 * opened before it is ready and kept, so no backend starts or ends during a run):
 * - `POST /queue?jobs=N` adds N jobs with `addJobs` (one call), the worker stopped: not timed by the bench.
 * - `POST /run?jobs=N` starts the worker, waits until all N jobs succeeded and PostgreSQL holds no job any more
 *   (their batched completion committed), stops it, and answers the seconds from the first job's start.
 * Env: BENCH_PEERS_DATABASE_URL, BENCH_RECEIVER_URL, BENCH_WEBHOOK_SECRET (`whsec_…`), BENCH_PEERS_CONCURRENCY,
 * BENCH_PEERS_LOCAL_QUEUE, BENCH_PEERS_GRAPHILE_BATCH_MS. Prints `{"ready":{"url":…}}` when it listens on 127.0.0.1.
 */
import { createHmac } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Logger, type Task, type WorkerEvents, makeWorkerUtils, run, runMigrations } from 'graphile-worker';
import pg from 'pg';
import { Pool as HttpPool } from 'undici';

/** A run that takes longer has stalled (a receiver refusing, jobs waiting on a retry): fail rather than wait for ever. */
const SETTLE_TIMEOUT_MS = 120_000;

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`set ${name}: the bench starts this child with it`);
  return value;
}
const databaseUrl = required('BENCH_PEERS_DATABASE_URL');
const receiverUrl = required('BENCH_RECEIVER_URL');
const secret = required('BENCH_WEBHOOK_SECRET');
const concurrency = Number(required('BENCH_PEERS_CONCURRENCY'));
const localQueueSize = Number(required('BENCH_PEERS_LOCAL_QUEUE'));
const batchDelayMs = Number(required('BENCH_PEERS_GRAPHILE_BATCH_MS'));

const logger = new Logger(() => (level, message) => {
  if (level === 'error' || level === 'warning') process.stderr.write(`graphile-worker ${level}: ${message}\n`);
});
const pgPool = new pg.Pool({ connectionString: databaseUrl, max: concurrency, idleTimeoutMillis: 0 });
// An idle connection the server ends (the database dropped at the end of the bench) must not crash the child.
pgPool.on('error', (error) => process.stderr.write(`graphile-worker's pool: ${error.message}\n`));
await runMigrations({ pgPool, logger });
const clients = await Promise.all(Array.from({ length: concurrency }, () => pgPool.connect()));
for (const client of clients) client.release();
const utils = await makeWorkerUtils({ pgPool, logger });

const http = new HttpPool(receiverUrl, { connections: concurrency });
const signingKey = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');

/** The same request as the gateway's webhook delivery: the event as the body, Standard Webhooks headers. */
const deliver: Task = async (payload, helpers) => {
  const body = JSON.stringify(payload);
  const id = `job_${helpers.job.id}`;
  const seconds = Math.floor(Date.now() / 1000);
  const signature = `v1,${createHmac('sha256', signingKey).update(`${id}.${seconds}.${body}`).digest('base64')}`;
  const answer = await http.request({
    path: '/webhook',
    method: 'POST',
    headers: { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': String(seconds), 'webhook-signature': signature },
    body,
  });
  await answer.body.dump();
  if (answer.statusCode < 200 || answer.statusCode >= 300) throw new Error(`the receiver answered ${answer.statusCode}`);
};

async function queue(jobs: number): Promise<{ seconds: number }> {
  const timestamp = new Date().toISOString();
  const started = performance.now();
  await utils.addJobs(Array.from({ length: jobs }, (_, n) => ({ identifier: 'deliver', payload: { type: 'bench.event', timestamp, data: { n } } })));
  return { seconds: (performance.now() - started) / 1000 };
}

async function deliverAll(jobs: number) {
  const events = new EventEmitter() as WorkerEvents;
  let firstStart: number | undefined;
  let succeeded = 0;
  let errors = 0;
  let allSucceeded: () => void = () => undefined;
  const done = new Promise<void>((resolve) => {
    allSucceeded = resolve;
  });
  events.on('job:start', () => {
    firstStart ??= performance.now();
  });
  events.on('job:success', () => {
    if (++succeeded === jobs) allSucceeded();
  });
  events.on('job:error', () => {
    errors++;
  });
  const started = performance.now();
  const runner = await run({
    pgPool,
    logger,
    events,
    concurrency,
    noHandleSignals: true,
    taskList: { deliver },
    preset: { worker: { localQueue: { size: localQueueSize }, completeJobBatchDelay: batchDelayMs, failJobBatchDelay: batchDelayMs } },
  });
  let ended: number;
  try {
    let timer: NodeJS.Timeout | undefined;
    const stalled = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`delivery stalled: ${succeeded} of ${jobs} jobs succeeded, ${errors} errors, after ${SETTLE_TIMEOUT_MS} ms`)), SETTLE_TIMEOUT_MS);
    });
    try {
      await Promise.race([done, stalled]);
    } finally {
      clearTimeout(timer);
    }
    // The last completions are batched: the run ends once they are committed and no job is left.
    while ((await pgPool.query('SELECT EXISTS (SELECT 1 FROM graphile_worker._private_jobs) AS left')).rows[0]?.left) await sleep(2);
    ended = performance.now();
  } finally {
    await runner.stop();
  }
  const seconds = (ended - (firstStart ?? started)) / 1000;
  return { jobs, seconds, perSecond: jobs / seconds, secondsFromStart: (ended - started) / 1000, errors };
}

const server = createServer((request, response) => {
  const url = new URL(request.url ?? '/', 'http://127.0.0.1');
  const jobs = Number(url.searchParams.get('jobs'));
  const action = request.method === 'POST' && url.pathname === '/queue' ? queue : request.method === 'POST' && url.pathname === '/run' ? deliverAll : undefined;
  if (!action || !Number.isInteger(jobs) || jobs < 1) {
    response.writeHead(404).end();
    return;
  }
  action(jobs).then(
    (result) => response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(result)),
    (error: unknown) => response.writeHead(500, { 'content-type': 'text/plain' }).end(error instanceof Error ? error.message : String(error)),
  );
});
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`${JSON.stringify({ ready: { url: `http://127.0.0.1:${port}` } })}\n`);
});

const stop = () => {
  server.close();
  Promise.all([utils.release(), http.close()])
    .then(() => pgPool.end())
    .then(() => process.exit(0), () => process.exit(1));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
