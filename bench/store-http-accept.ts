/**
 * The durable accept over HTTP (`POST /v1/sms/send`, delivery held back as in the accept part) on SQLite and on
 * PostgreSQL with one gateway process and with three sharing one database (the load split evenly over them), in
 * interleaved rounds on one machine, with the CPU time per accepted message: the gateway processes' plus, on
 * PostgreSQL, its backends serving the bench's database and its own processes (WAL writer …), from /proc.
 *
 *   LIENTHONG_BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npx tsx bench/store-http-accept.ts
 *
 * BENCH_ROUNDS (2), BENCH_SECONDS (10), BENCH_WARMUP_SECONDS (3), BENCH_CONNECTIONS (64, over all processes).
 * A database `lienthong_bench_<pid>_<n>` per PostgreSQL setup, dropped after.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { HOLD_BACK_ENV } from './accept.ts';
import type { ChildServer } from './children.ts';
import { measureLoad } from './load.ts';
import { watchPostgres } from './peers/postgres-cpu.ts';
import { processCpuSeconds, readStat } from './proc-cpu.ts';
import { type SandboxReady, startSandboxChild } from './sandbox-child.ts';

const serverUrl = process.env.LIENTHONG_BENCH_DATABASE_URL ?? process.env.LIENTHONG_TEST_DATABASE_URL;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP = Number(process.env.BENCH_WARMUP_SECONDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 64);
const AUDIT_KEY = 'bench audit key, not for production, 0123456789';
const CLIENT_KEY = 'lt_bench_client_store_http_accept_0001';
const BODY = JSON.stringify({ agency: '000.00.01.H22', to: '0981234567', text: 'Ho so 000.00.01.H22-250101-0001 da co ket qua.' });

async function onServer(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(sql).finally(() => client.end());
}

interface Setup {
  label: string;
  gateways: Array<ChildServer<SandboxReady>>;
  postgres?: { postmasterPid: number | undefined; database: string };
  drop?: () => Promise<void>;
}

/** Accepts a second over the setup's gateways, each loaded by its share of the connections at once, and CPU µs per accept. */
async function acceptRate(setup: Setup): Promise<{ rate: number; cpuUs: number | null }> {
  const { gateways } = setup;
  const gatewayCpu = () => gateways.map((gateway) => processCpuSeconds(gateway.child.pid));
  const cpuBefore = gatewayCpu();
  const database = setup.postgres ? watchPostgres(setup.postgres.postmasterPid, setup.postgres.database) : undefined;
  const results = await Promise.all(
    gateways.map((gateway) =>
      measureLoad(
        { url: `${gateway.ready.url}/v1/sms/send`, headers: { 'content-type': 'application/json', authorization: `Bearer ${CLIENT_KEY}` }, body: BODY, expectStatus: 202 },
        { connections: Math.max(1, Math.round(CONNECTIONS / gateways.length)), pipelining: 1, seconds: SECONDS, warmupSeconds: WARMUP },
      ),
    ),
  );
  const postgresCpu = database?.stop();
  const cpuAfter = gatewayCpu();
  for (const result of results) if (result.measured.non2xx > 0 || result.measured.errors > 0) throw new Error(`not every answer was a 202: ${JSON.stringify(result.measured.statusCounts)}`);
  const accepted = results.reduce((sum, result) => sum + result.warmup.succeeded + result.measured.succeeded, 0);
  let seconds: number | null = postgresCpu === null ? null : postgresCpu ? postgresCpu.backends + postgresCpu.server : 0;
  cpuAfter.forEach((after, i) => {
    const before = cpuBefore[i];
    seconds = seconds === null || after === undefined || before === undefined ? null : seconds + (after - before);
  });
  return { rate: results.reduce((sum, result) => sum + result.measured.ratePerSecond, 0), cpuUs: seconds === null ? null : (seconds * 1e6) / accepted };
}

async function postmasterPid(url: string): Promise<number | undefined> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const backend = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid;
    return backend === undefined ? undefined : readStat(backend)?.ppid;
  } finally {
    await client.end();
  }
}

const env = { ...HOLD_BACK_ENV, LIENTHONG_TEST_PLUGINS: 'echo-sms', LIENTHONG_SANDBOX_CLIENT_KEY: CLIENT_KEY, LIENTHONG_SANDBOX_OPERATOR_KEY: 'lt_bench_operator_store_http_accept_01', LIENTHONG_AUDIT_KEY: AUDIT_KEY };
const dir = await mkdtemp(join(tmpdir(), 'lienthong-bench-http-'));
const setups: Setup[] = [];
try {
  setups.push({ label: 'SQLite, one process', gateways: [await startSandboxChild({ ...env, LIENTHONG_DB: join(dir, 'bench.db'), LIENTHONG_DATABASE_URL: '' })] });
  if (serverUrl) {
    for (const processes of [1, 3]) {
      const name = `lienthong_bench_${process.pid}_${processes}`;
      await onServer(serverUrl, `CREATE DATABASE ${name}`);
      const url = new URL(serverUrl);
      url.pathname = `/${name}`;
      const gateways: Array<ChildServer<SandboxReady>> = [];
      // One after the other: the first migrates and makes the sandbox's keys, the others find them.
      for (let i = 0; i < processes; i++) gateways.push(await startSandboxChild({ ...env, LIENTHONG_DB: '', LIENTHONG_DATABASE_URL: url.toString() }));
      setups.push({
        label: `PostgreSQL, ${processes} process${processes > 1 ? 'es' : ''}`,
        gateways,
        postgres: { postmasterPid: await postmasterPid(url.toString()), database: name },
        drop: () => onServer(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
      });
    }
  } else {
    console.log('PostgreSQL: set LIENTHONG_BENCH_DATABASE_URL=postgres://… to measure it');
  }
  const runs = new Map<string, Array<{ rate: number; cpuUs: number | null }>>(setups.map((setup) => [setup.label, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const setup of round % 2 === 0 ? setups : [...setups].reverse()) runs.get(setup.label)?.push(await acceptRate(setup));
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
  const sqlite = median((runs.get(setups[0]!.label) ?? []).map((run) => run.rate));
  for (const [label, values] of runs) {
    const rate = median(values.map((run) => run.rate));
    const cpu = values.every((run) => run.cpuUs !== null) ? `${median(values.map((run) => run.cpuUs as number)).toFixed(0)} CPU µs/accept` : 'CPU unknown';
    console.log(`${label.padEnd(26)} ${rate.toFixed(0).padStart(6)} accepts/s (rounds: ${values.map((run) => run.rate.toFixed(0)).join(', ')})  ${(rate / sqlite).toFixed(2)}x SQLite  ${cpu}`);
  }
} finally {
  for (const setup of setups) {
    for (const gateway of setup.gateways) await gateway.stop();
    await setup.drop?.();
  }
  await rm(dir, { recursive: true, force: true });
}
