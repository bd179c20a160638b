/**
 * The durable accept over HTTP (`POST /v1/sms/send`, delivery held back as in the accept part) on SQLite and on
 * PostgreSQL with one gateway process and with three sharing one database (the load split evenly over them), in
 * interleaved rounds on one machine:
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

/** Accepts a second over `gateways`, each loaded by its share of the connections at once. */
async function acceptRate(gateways: Array<ChildServer<SandboxReady>>): Promise<number> {
  const results = await Promise.all(
    gateways.map((gateway) =>
      measureLoad(
        { url: `${gateway.ready.url}/v1/sms/send`, headers: { 'content-type': 'application/json', authorization: `Bearer ${CLIENT_KEY}` }, body: BODY, expectStatus: 202 },
        { connections: Math.max(1, Math.round(CONNECTIONS / gateways.length)), pipelining: 1, seconds: SECONDS, warmupSeconds: WARMUP },
      ),
    ),
  );
  for (const result of results) if (result.measured.non2xx > 0 || result.measured.errors > 0) throw new Error(`not every answer was a 202: ${JSON.stringify(result.measured.statusCounts)}`);
  return results.reduce((sum, result) => sum + result.measured.ratePerSecond, 0);
}

const env = { ...HOLD_BACK_ENV, LIENTHONG_TEST_PLUGINS: 'echo-sms', LIENTHONG_SANDBOX_CLIENT_KEY: CLIENT_KEY, LIENTHONG_SANDBOX_OPERATOR_KEY: 'lt_bench_operator_store_http_accept_01', LIENTHONG_AUDIT_KEY: AUDIT_KEY };
const dir = await mkdtemp(join(tmpdir(), 'lienthong-bench-http-'));
const setups: Array<{ label: string; gateways: Array<ChildServer<SandboxReady>>; drop?: () => Promise<void> }> = [];
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
      setups.push({ label: `PostgreSQL, ${processes} process${processes > 1 ? 'es' : ''}`, gateways, drop: () => onServer(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) });
    }
  } else {
    console.log('PostgreSQL: set LIENTHONG_BENCH_DATABASE_URL=postgres://… to measure it');
  }
  const rates = new Map<string, number[]>(setups.map((setup) => [setup.label, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const setup of round % 2 === 0 ? setups : [...setups].reverse()) rates.get(setup.label)?.push(await acceptRate(setup.gateways));
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
  const sqlite = median(rates.get(setups[0]!.label) ?? []);
  for (const [label, values] of rates) {
    const rate = median(values);
    console.log(`${label.padEnd(26)} ${rate.toFixed(0).padStart(6)} accepts/s (rounds: ${values.map((value) => value.toFixed(0)).join(', ')})  ${(rate / sqlite).toFixed(2)}x SQLite`);
  }
} finally {
  for (const setup of setups) {
    for (const gateway of setup.gateways) await gateway.stop();
    await setup.drop?.();
  }
  await rm(dir, { recursive: true, force: true });
}
