/**
 * Reference peers beside lienthong, in one run and interleaved rounds (issue 17), when PostgreSQL is reachable:
 * - accept: the gateway's durable accept (sandbox child on SQLite, delivery held back, as the accept part's (a))
 *   beside a plain `pg` INSERT server (plain-insert-server.ts), the same body, autocannon as in the accept part;
 * - delivery: lienthong's webhook delivery (store and worker in this process, concurrency 32) beside
 *   graphile-worker with a local queue of 200 and batched completion (graphile-delivery.ts), the same number of
 *   jobs each, both POSTing the same signed event to one bare receiver (bare-receiver-server.ts).
 * In each round every pair runs back to back, which side first alternating from round to round. PostgreSQL gets a
 * database of its own for the run, dropped after it. Not reachable within 2 s: the part is skipped, not failed.
 */
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import * as v from 'valibot';
import { HOLD_BACK_ENV, SMS_BODY } from '../accept.ts';
import { type ChildServer, explained, startChild, urlReady } from '../children.ts';
import { type LoadResult, type LoadShape, assertOnlyExpected, measureLoad } from '../load.ts';
import { startSandboxChild } from '../sandbox-child.ts';
import { simulatorClient } from '../simulator-control.ts';
import { deliverOnce } from '../webhook-delivery.ts';
import { type RunCpu, microsPer, watchRun } from './peer-cpu.ts';
import { type BenchDatabase, CONNECT_TIMEOUT_MS, type PostgresFacts, createBenchDatabase, describeServer } from './postgres.ts';
import { DELIVERY_CONCURRENCY, GRAPHILE_LOCAL_QUEUE, type PeersSettings } from './settings.ts';

/** An uncounted delivery run each side before the first round: JIT warm, connections open. */
export const WARMUP_JOBS = 500;

export interface AcceptRun {
  load: LoadResult;
  /** 202s in the warm-up and the measured run: the CPU is over both. */
  answered: number;
  cpu: RunCpu;
  cpuMicrosPerRequest: number | null;
}

export interface DeliveryPeerRun {
  jobs: number;
  /** lienthong: from its worker's start; graphile-worker: from its first job's start. Both until the last outcome is committed. */
  seconds: number;
  perSecond: number;
  /** From the worker's start (graphile-worker's `run()`, lienthong's `worker.start()`) until the last outcome is committed. */
  fromWorkerStartSeconds: number;
  /** Storing (lienthong) or queueing (graphile-worker) the jobs before the run, not in it. */
  queueSeconds: number;
  /** Deliveries beyond one per job, as the receiver counted them. */
  redeliveries: number;
  cpu: RunCpu;
  cpuMicrosPerJob: number | null;
}

export interface PeersRound {
  /** Which side ran first in both pairs of the round; it alternates. */
  first: 'lienthong' | 'peer';
  accept: { lienthong: AcceptRun; plainInsert: AcceptRun };
  delivery: { lienthong: DeliveryPeerRun; graphile: DeliveryPeerRun };
}

export interface PeersBench {
  settings: Omit<PeersSettings, 'databaseUrl'> & { connections: number; postgresServer: string };
  /** Why the peers did not run; null when they ran. */
  skipped: string | null;
  postgres: (PostgresFacts & { database: string }) | null;
  rounds: PeersRound[];
  /** The plain INSERT server's rows after the last round, against the 202s it answered (warm-ups included). */
  plainInsertRows: { answered202: number; stored: number } | null;
}

interface Peers {
  receiver: ChildServer<{ url: string }>;
  lienthongAccept: ChildServer<{ url: string; keys: { client: string } }>;
  plainInsert: ChildServer<{ url: string }>;
  graphile: ChildServer<{ url: string }>;
  /** The webhook secret lienthong's delivery signs with; the graphile-worker child signs with it too. */
  secret: string;
}

export async function benchPeers(dir: string, step: (what: string) => void, settings: PeersSettings, connections: number): Promise<PeersBench> {
  const { databaseUrl, ...shown } = settings;
  const server = describeServer(databaseUrl);
  const base = { settings: { ...shown, connections, postgresServer: server }, rounds: [], plainInsertRows: null };
  step(`peers: connecting to PostgreSQL at ${server} (at most ${CONNECT_TIMEOUT_MS / 1000} s)`);
  const database = await createBenchDatabase(databaseUrl);
  if ('unreachable' in database) {
    const skipped = `PostgreSQL at ${server} not reachable within ${CONNECT_TIMEOUT_MS / 1000} s (${database.unreachable})`;
    step(`${skipped}: the reference peers are skipped`);
    return { ...base, skipped, postgres: null };
  }
  const started: Array<ChildServer<unknown>> = [];
  try {
    const peers = await startPeers(dir, database, settings, started);
    const rounds = await runRounds(dir, peers, database, settings, connections, step);
    const answered202 = rounds.reduce((sum, round) => sum + round.accept.plainInsert.answered, 0);
    const stored = await countRows(database.url);
    if (stored < answered202) throw new Error(`the plain INSERT server answered ${answered202} requests 202 but its table holds ${stored} rows`);
    return { ...base, skipped: null, postgres: { ...database.facts, database: database.name }, rounds, plainInsertRows: { answered202, stored } };
  } finally {
    await Promise.allSettled(started.map((child) => child.stop()));
    await database.drop();
  }
}

async function startPeers(dir: string, database: BenchDatabase, settings: PeersSettings, started: Array<ChildServer<unknown>>): Promise<Peers> {
  const kept = <T extends ChildServer<unknown>>(child: T) => {
    started.push(child);
    return child;
  };
  const secret = `whsec_${randomBytes(32).toString('base64')}`;
  const receiver = kept(await startChild('bench/peers/bare-receiver-server.ts', {}, urlReady));
  const lienthongAccept = kept(await startSandboxChild({ ...HOLD_BACK_ENV, LIENTHONG_DB: join(dir, 'peers-accept.db') }));
  const plainInsert = kept(await startChild('bench/peers/plain-insert-server.ts', { BENCH_PEERS_DATABASE_URL: database.url }, urlReady));
  const graphile = kept(
    await startChild(
      'bench/peers/graphile-delivery.ts',
      {
        BENCH_PEERS_DATABASE_URL: database.url,
        BENCH_RECEIVER_URL: receiver.ready.url,
        BENCH_WEBHOOK_SECRET: secret,
        BENCH_PEERS_CONCURRENCY: String(DELIVERY_CONCURRENCY),
        BENCH_PEERS_LOCAL_QUEUE: String(GRAPHILE_LOCAL_QUEUE),
        BENCH_PEERS_GRAPHILE_BATCH_MS: String(settings.graphileBatchMs),
      },
      urlReady,
    ),
  );
  return { receiver, lienthongAccept, plainInsert, graphile, secret };
}

async function runRounds(
  dir: string,
  peers: Peers,
  database: BenchDatabase,
  settings: PeersSettings,
  connections: number,
  step: (what: string) => void,
): Promise<PeersRound[]> {
  const children = [peers.receiver, peers.lienthongAccept, peers.plainInsert, peers.graphile].map((child) => child.child.pid);
  const postgres = { postmasterPid: database.postmasterPid, database: database.name };
  const shape: LoadShape = { connections, pipelining: 1, seconds: settings.seconds, warmupSeconds: settings.warmupSeconds };
  let file = 0;
  const lienthongDelivery = async (jobs: number) => {
    const path = join(dir, `peers-webhook-${++file}.db`);
    try {
      return await deliverLienthong(path, jobs, peers.receiver.ready.url, peers.secret, children);
    } finally {
      await Promise.all(['', '-wal', '-shm'].map((suffix) => rm(`${path}${suffix}`, { force: true })));
    }
  };
  const graphileDelivery = (jobs: number) => explained(peers.graphile, () => deliverGraphile(peers.graphile.ready.url, peers.receiver.ready.url, jobs, { pid: peers.graphile.child.pid, postgres, children }));

  const warmupJobs = Math.min(WARMUP_JOBS, settings.jobs);
  step(`peers: an uncounted delivery of ${warmupJobs} jobs each, lienthong and graphile-worker`);
  await lienthongDelivery(warmupJobs);
  await graphileDelivery(warmupJobs);

  const rounds: PeersRound[] = [];
  for (let n = 1; n <= settings.rounds; n++) {
    const first = n % 2 === 1 ? 'lienthong' : 'peer';
    const inOrder = async <A, B>(lienthong: () => Promise<A>, peer: () => Promise<B>): Promise<[A, B]> => {
      if (first === 'lienthong') {
        const a = await lienthong();
        return [a, await peer()];
      }
      const b = await peer();
      return [await lienthong(), b];
    };
    const announce = (what: string) => step(`peers round ${n}/${settings.rounds}: ${what}`);
    const timing = `${shape.warmupSeconds} s warm-up + ${shape.seconds} s`;
    const [lienthongAccept, plainInsert] = await inOrder(
      () => {
        announce(`lienthong accept, delivery held back (${timing})`);
        const { url, keys } = peers.lienthongAccept.ready;
        return explained(peers.lienthongAccept, () => acceptRun('lienthong accept', url, keys.client, shape, { pid: peers.lienthongAccept.child.pid, children }));
      },
      () => {
        announce(`plain pg INSERT accept (${timing})`);
        return explained(peers.plainInsert, () => acceptRun('plain INSERT accept', peers.plainInsert.ready.url, 'unchecked', shape, { pid: peers.plainInsert.child.pid, postgres, children }));
      },
    );
    const [lienthongDelivered, graphileDelivered] = await inOrder(
      () => {
        announce(`lienthong webhook delivery of ${settings.jobs} jobs, concurrency ${DELIVERY_CONCURRENCY}`);
        return lienthongDelivery(settings.jobs);
      },
      () => {
        announce(`graphile-worker delivery of ${settings.jobs} jobs, concurrency ${DELIVERY_CONCURRENCY}`);
        return graphileDelivery(settings.jobs);
      },
    );
    rounds.push({ first, accept: { lienthong: lienthongAccept, plainInsert }, delivery: { lienthong: lienthongDelivered, graphile: graphileDelivered } });
  }
  return rounds;
}

async function acceptRun(label: string, url: string, bearer: string, shape: LoadShape, watched: Parameters<typeof watchRun>[0]): Promise<AcceptRun> {
  const request = {
    url: `${url}/v1/sms/send`,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` },
    body: SMS_BODY,
    expectStatus: 202,
  };
  const watch = watchRun(watched);
  const load = await measureLoad(request, shape);
  const cpu = watch.stop();
  assertOnlyExpected(label, load, 202);
  const answered = load.warmup.succeeded + load.measured.succeeded;
  return { load, answered, cpu, cpuMicrosPerRequest: microsPer(cpu, answered) };
}

/** lienthong's delivery (bench/webhook-delivery.ts) to the bare receiver; its CPU is this process's over the worker's run. */
async function deliverLienthong(file: string, jobs: number, receiverUrl: string, secret: string, children: Array<number | undefined>): Promise<DeliveryPeerRun> {
  const watch = watchRun({ pid: process.pid, children });
  const run = await deliverOnce({ file, messages: jobs, concurrency: DELIVERY_CONCURRENCY, receiverUrl, secret });
  const around = watch.stop();
  // The process's CPU over the worker's run alone; "outside" is over the whole call, storing the jobs included.
  const cpu: RunCpu = { ...around, process: run.cpuSeconds, wallSeconds: run.seconds };
  return {
    jobs,
    seconds: run.seconds,
    perSecond: run.perSecond,
    fromWorkerStartSeconds: run.seconds,
    queueSeconds: run.acceptSeconds,
    redeliveries: run.redeliveries,
    cpu,
    cpuMicrosPerJob: microsPer(cpu, jobs),
  };
}

const queued = v.object({ seconds: v.number() });
const delivered = v.object({ jobs: v.number(), seconds: v.number(), perSecond: v.number(), secondsFromStart: v.number(), errors: v.number() });
const receivedList = v.array(v.object({ id: v.string(), deliveries: v.number() }));

/** graphile-worker's delivery: jobs queued (not watched), then the run watched: its child and PostgreSQL's CPU. */
async function deliverGraphile(controlUrl: string, receiverUrl: string, jobs: number, watched: Parameters<typeof watchRun>[0]): Promise<DeliveryPeerRun> {
  const receiver = simulatorClient(receiverUrl);
  await receiver.clearReceived();
  const queue = v.parse(queued, await post(`${controlUrl}/queue?jobs=${jobs}`));
  const watch = watchRun(watched);
  const run = v.parse(delivered, await post(`${controlUrl}/run?jobs=${jobs}`));
  const cpu = watch.stop();
  const received = v.parse(receivedList, await receiver.received());
  if (received.length !== jobs) throw new Error(`graphile-worker: the receiver got ${received.length} distinct ids for ${jobs} jobs`);
  const redeliveries = received.reduce((sum, entry) => sum + entry.deliveries, 0) - received.length;
  return {
    jobs,
    seconds: run.seconds,
    perSecond: run.perSecond,
    fromWorkerStartSeconds: run.secondsFromStart,
    queueSeconds: queue.seconds,
    redeliveries,
    cpu,
    cpuMicrosPerJob: microsPer(cpu, jobs),
  };
}

async function post(url: string): Promise<unknown> {
  const response = await fetch(url, { method: 'POST' });
  if (!response.ok) throw new Error(`POST ${new URL(url).pathname} answered ${response.status}: ${await response.text()}`);
  return response.json();
}

async function countRows(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const result = await client.query<{ rows: number }>('SELECT count(*)::int AS rows FROM sms_outbox');
    return result.rows[0]?.rows ?? 0;
  } finally {
    await client.end();
  }
}
