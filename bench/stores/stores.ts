/**
 * The durable accept over HTTP and the delivery, on SQLite and on PostgreSQL with one gateway process and with
 * three sharing one database (issue 16), in interleaved rounds: accepts a second with the SMS instance paused (the
 * worker claims nothing), CPU per accepted message (the gateway processes plus PostgreSQL's backends serving the
 * bench's database and its own processes, from /proc), then deliveries a second once the instance is resumed,
 * taken from the backlog the accepts left, to the sandbox's echo SMS provider.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import pg from 'pg';
import { SMS_BODY } from '../accept.ts';
import { type ChildServer, explained } from '../children.ts';
import { instanceQueues } from '../gateway-queues.ts';
import { assertOnlyExpected, measureLoad } from '../load.ts';
import { type BenchDatabase, type PostgresFacts, createBenchDatabase, describeServer } from '../peers/postgres.ts';
import { type PostgresCpu, watchPostgres } from '../peers/postgres-cpu.ts';
import { processCpuSeconds } from '../proc-cpu.ts';
import { type SandboxReady, startSandboxChild } from '../sandbox-child.ts';
import type { StoresSettings } from './settings.ts';

export type SetupKey = 'sqlite' | 'postgres1' | 'postgres3';
export const SETUP_LABELS: Record<SetupKey, string> = {
  sqlite: 'SQLite, one process',
  postgres1: 'PostgreSQL, one process',
  postgres3: 'PostgreSQL, three processes',
};

export interface StoreRun {
  /** Per second over the setup's processes. */
  rate: number;
  /** Messages counted (accepts: warm-up and measured; deliveries: the run's). */
  units: number;
  /** CPU µs per unit: gateways plus PostgreSQL; null where /proc cannot tell. */
  cpuMicros: number | null;
  /** PostgreSQL's part of it. */
  postgresMicros: number | null;
  /**
   * Accepts over the updates of the audit chain's head meanwhile (pg_stat_user_tables: one per transaction that
   * appended entries): how many messages each group commit carried on average. Null on SQLite.
   */
  acceptsPerCommit?: number | null;
}

export interface StoresRound {
  accept: Partial<Record<SetupKey, StoreRun>>;
  /**
   * PostgreSQL with one process loaded by a third of the connections: each of the three processes' load. Not judged:
   * it tells the cluster's own cost (three processes over this) from the cost of a lighter load per process.
   */
  acceptOneAtThirdLoad?: StoreRun;
  /** PostgreSQL with one process and with three, offered `fixedRate` accepts a second in all. */
  acceptAtFixedRate: Partial<Record<'postgres1' | 'postgres3', StoreRun>>;
  delivery: Partial<Record<SetupKey, StoreRun>>;
}

export interface StoresBench {
  /** Why PostgreSQL was not measured (SQLite still is), or null. */
  skipped: string | null;
  server: string;
  facts: PostgresFacts | null;
  settings: StoresSettings;
  rounds: StoresRound[];
}

const AUDIT_KEY = 'bench audit key, not for production, 0123456789';
const CLIENT_KEY = 'lt_bench_client_stores_accept_000001';
const OPERATOR_KEY = 'lt_bench_operator_stores_accept_0001';
const ENV = { LIENTHONG_TEST_PLUGINS: 'echo-sms', LIENTHONG_SANDBOX_CLIENT_KEY: CLIENT_KEY, LIENTHONG_SANDBOX_OPERATOR_KEY: OPERATOR_KEY, LIENTHONG_AUDIT_KEY: AUDIT_KEY };
/** Longer than a worker's poll (250 ms), at which it reads the pauses another process made. */
const PAUSE_SETTLE_MS = 700;
const DELIVERY_POLL_MS = 100;

interface Setup {
  key: SetupKey;
  gateways: Array<ChildServer<SandboxReady>>;
  database?: BenchDatabase;
  instance: string;
}

async function admin(gateway: ChildServer<SandboxReady>, path: string, body?: unknown): Promise<void> {
  const response = await fetch(`${gateway.ready.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${gateway.ready.keys.operator}`, 'content-type': 'application/json' },
    body: JSON.stringify(body ?? {}),
  });
  if (!response.ok) throw new Error(`POST ${path} answered ${response.status}: ${await response.text()}`);
}

/** CPU seconds of the gateways and PostgreSQL over a span. */
function watchCpu(setup: Setup): { stop(): { gateways: number | null; postgres: PostgresCpu | null | undefined } } {
  const gatewayCpu = () => setup.gateways.map((gateway) => processCpuSeconds(gateway.child.pid));
  const before = gatewayCpu();
  const database = setup.database ? watchPostgres(setup.database.postmasterPid, setup.database.name) : undefined;
  return {
    stop() {
      const postgres = database?.stop();
      const after = gatewayCpu();
      let gateways: number | null = 0;
      after.forEach((now, i) => {
        const then = before[i];
        gateways = gateways === null || now === undefined || then === undefined ? null : gateways + (now - then);
      });
      return { gateways, postgres };
    },
  };
}

function perUnit(cpu: ReturnType<ReturnType<typeof watchCpu>['stop']>, units: number): Pick<StoreRun, 'cpuMicros' | 'postgresMicros'> {
  const postgres = cpu.postgres === undefined ? 0 : cpu.postgres === null ? null : cpu.postgres.backends + cpu.postgres.server;
  if (units <= 0) return { cpuMicros: null, postgresMicros: null };
  return {
    cpuMicros: cpu.gateways === null || postgres === null ? null : ((cpu.gateways + postgres) / units) * 1e6,
    postgresMicros: postgres === null ? null : (postgres / units) * 1e6,
  };
}

/** Accepts a second over the setup's processes, each loaded at once by its share of the connections. */
async function acceptRun(setup: Setup, settings: StoresSettings, connections = settings.connections, overallRate?: number): Promise<StoreRun> {
  const commitsBefore = await commits(setup);
  const cpu = watchCpu(setup);
  const loads = await Promise.all(
    setup.gateways.map((gateway) =>
      explained(gateway, async () => {
        const load = await measureLoad(
          { url: `${gateway.ready.url}/v1/sms/send`, headers: { 'content-type': 'application/json', authorization: `Bearer ${CLIENT_KEY}` }, body: SMS_BODY, expectStatus: 202 },
          {
            connections: Math.max(1, Math.round(connections / setup.gateways.length)),
            pipelining: 1,
            seconds: settings.seconds,
            warmupSeconds: settings.warmupSeconds,
            ...(overallRate ? { overallRate: overallRate / setup.gateways.length } : {}),
          },
        );
        assertOnlyExpected(SETUP_LABELS[setup.key], load, 202);
        return load;
      }),
    ),
  );
  const used = cpu.stop();
  const units = loads.reduce((sum, load) => sum + load.warmup.succeeded + load.measured.succeeded, 0);
  const run: StoreRun = { rate: loads.reduce((sum, load) => sum + load.measured.ratePerSecond, 0), units, ...perUnit(used, units) };
  if (commitsBefore === null) return run;
  // Each backend reports its counts within a second or so of going idle.
  await sleep(STATS_FLUSH_MS);
  const commitsAfter = await commits(setup);
  return { ...run, acceptsPerCommit: commitsAfter === null || commitsAfter <= commitsBefore ? null : units / (commitsAfter - commitsBefore) };
}

const STATS_FLUSH_MS = 1500;

/** Updates of the audit chain's head so far (one per group commit that appended); null on SQLite. */
async function commits(setup: Setup): Promise<number | null> {
  if (!setup.database) return null;
  const client = new pg.Client({ connectionString: setup.database.url });
  await client.connect();
  try {
    const row = (await client.query<{ commits: string }>("SELECT n_tup_upd AS commits FROM pg_stat_user_tables WHERE relname = 'audit_head'")).rows[0];
    return row ? Number(row.commits) : null;
  } finally {
    await client.end();
  }
}

async function succeeded(setup: Setup): Promise<{ succeeded: number; waiting: number }> {
  const first = setup.gateways[0] as ChildServer<SandboxReady>;
  const queue = (await instanceQueues(first.ready)).find((entry) => entry.id === setup.instance)?.queue;
  if (!queue) throw new Error(`${SETUP_LABELS[setup.key]}: no instance ${setup.instance}`);
  if (queue.dead > 0) throw new Error(`${SETUP_LABELS[setup.key]}: ${queue.dead} message(s) went dead`);
  return { succeeded: queue.succeeded, waiting: queue.queued + queue.processing };
}

/**
 * Resumes the SMS instance and times its workers until `deliveries` more messages succeeded (or the backlog is
 * gone), then pauses it again and waits until nothing is in flight, so the next accept run has idle workers.
 */
async function deliveryRun(setup: Setup, settings: StoresSettings): Promise<StoreRun> {
  const first = setup.gateways[0] as ChildServer<SandboxReady>;
  // The resume gives every queued message the time it spent paused (one UPDATE of the whole backlog, which grows
  // from round to round): not delivery, so counted before neither the clock nor the CPU starts.
  await admin(first, `/admin/v1/instances/${setup.instance}/resume`);
  const before = await succeeded(setup);
  const target = Math.min(settings.deliveries, before.waiting);
  const cpu = watchCpu(setup);
  const started = performance.now();
  let now = before;
  while (now.succeeded - before.succeeded < target) {
    if (performance.now() - started > 120_000) throw new Error(`${SETUP_LABELS[setup.key]}: delivery stalled: ${JSON.stringify(now)}`);
    // Not too often: each answer counts the instance's messages, in the gateway's CPU.
    await sleep(DELIVERY_POLL_MS);
    now = await succeeded(setup);
  }
  const seconds = (performance.now() - started) / 1000;
  const used = cpu.stop();
  await admin(first, `/admin/v1/instances/${setup.instance}/pause`, { reason: 'bench: accept runs' });
  await sleep(PAUSE_SETTLE_MS);
  const units = now.succeeded - before.succeeded;
  return { rate: units / seconds, units, ...perUnit(used, units) };
}

async function startSetup(key: SetupKey, processes: number, env: Record<string, string>, database?: BenchDatabase): Promise<Setup> {
  const gateways: Array<ChildServer<SandboxReady>> = [];
  // One after the other: the first migrates and makes the sandbox's keys, the others find them.
  for (let i = 0; i < processes; i++) gateways.push(await startSandboxChild(env as Record<string, string> & { LIENTHONG_DB: string }));
  const first = gateways[0] as ChildServer<SandboxReady>;
  const instance = (await instanceQueues(first.ready)).map((entry) => entry.id).find((id) => id.includes('sms'));
  if (!instance) throw new Error('the sandbox has no SMS instance');
  const setup: Setup = { key, gateways, instance, ...(database ? { database } : {}) };
  await admin(first, `/admin/v1/instances/${instance}/pause`, { reason: 'bench: accept runs' });
  await sleep(PAUSE_SETTLE_MS);
  return setup;
}

export async function benchStores(dir: string, step: (what: string) => void, settings: StoresSettings): Promise<StoresBench> {
  const setups: Setup[] = [];
  const databases: BenchDatabase[] = [];
  let skipped: string | null = null;
  let facts: PostgresFacts | null = null;
  try {
    step('stores: starting a gateway on SQLite');
    setups.push(await startSetup('sqlite', 1, { ...ENV, LIENTHONG_DB: join(dir, 'stores-bench.db'), LIENTHONG_DATABASE_URL: '' }));
    for (const [key, processes] of [['postgres1', 1], ['postgres3', 3]] as const) {
      if (skipped) break;
      const database = await createBenchDatabase(settings.databaseUrl, `_stores_${processes}`);
      if ('unreachable' in database) {
        skipped = `PostgreSQL at ${describeServer(settings.databaseUrl)} unreachable: ${database.unreachable}`;
        step(`stores: ${skipped}; PostgreSQL skipped`);
        break;
      }
      databases.push(database);
      facts = database.facts;
      step(`stores: starting ${processes} gateway process(es) on PostgreSQL database ${database.name}`);
      setups.push(await startSetup(key, processes, { ...ENV, LIENTHONG_DB: '', LIENTHONG_DATABASE_URL: database.url }, database));
    }
    const rounds: StoresRound[] = [];
    for (let n = 0; n < settings.rounds; n++) {
      const round: StoresRound = { accept: {}, acceptAtFixedRate: {}, delivery: {} };
      // Which setup goes first alternates, so that none always follows another's leftovers.
      const order = n % 2 === 0 ? setups : [...setups].reverse();
      for (const setup of order) {
        step(`stores round ${n + 1}/${settings.rounds}: ${SETUP_LABELS[setup.key]}, accept`);
        round.accept[setup.key] = await acceptRun(setup, settings);
        if (setup.key === 'postgres1') {
          step(`stores round ${n + 1}/${settings.rounds}: ${SETUP_LABELS[setup.key]}, accept with a third of the connections`);
          round.acceptOneAtThirdLoad = await acceptRun(setup, settings, settings.connections / 3);
        }
        if ((setup.key === 'postgres1' || setup.key === 'postgres3') && settings.fixedRate > 0) {
          step(`stores round ${n + 1}/${settings.rounds}: ${SETUP_LABELS[setup.key]}, accept at ${settings.fixedRate}/s`);
          round.acceptAtFixedRate[setup.key] = await acceptRun(setup, settings, settings.connections, settings.fixedRate);
        }
      }
      for (const setup of order) {
        step(`stores round ${n + 1}/${settings.rounds}: ${SETUP_LABELS[setup.key]}, delivery of ${settings.deliveries}`);
        round.delivery[setup.key] = await deliveryRun(setup, settings);
      }
      rounds.push(round);
    }
    return { skipped, server: describeServer(settings.databaseUrl), facts, settings, rounds };
  } finally {
    for (const setup of setups) for (const gateway of setup.gateways) await gateway.stop();
    for (const database of databases) await database.drop().catch(() => undefined);
  }
}
