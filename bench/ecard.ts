/**
 * The e-card sync pass-through figure: `ecard/lookup` through the gateway beside the same look-up made directly on
 * the simulator, with the same client (axios, keep-alive agent of `concurrency` sockets), at the same fixed
 * concurrency, in one run.
 *
 * - direct: `GET {simulator}/ecard/v1/enterprises/0100233488` with the API key, as the plugin's client sends it.
 * - gateway: `POST {gateway}/v1/ecard/lookup` `{ agency, taxCode: '0100233488' }` with a client key; the sandbox
 *   child's ecard instance calls the same simulator child, with its caches OFF (a cached look-up would never reach
 *   the simulator and the figure would say nothing about the pass-through). After each gateway run the simulator's
 *   `/__received` must hold exactly one entry per request, which proves it.
 * Rounds alternate direct and gateway against children kept for the whole run. Latencies are measured per request
 * in this process; p50/p99 are of all requests of a run, the reported figure the median over rounds.
 *
 * BENCH_ECARD_REQUESTS (3000 per run), BENCH_ECARD_CONCURRENCY (8), BENCH_ECARD_ROUNDS (3), BENCH_ECARD_WARMUP (500).
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import axios, { type AxiosInstance } from 'axios';
import * as v from 'valibot';
import { AGENCY } from './accept.ts';
import { type ChildServer, explained, startChild } from './children.ts';
import { processCpuSeconds } from './proc-cpu.ts';
import { median } from './stats.ts';

/** Added by the gateway at the median and the 99th percentile, in milliseconds. */
export const ECARD_TARGET = { p50AddedMs: 1, p99AddedMs: 3 };
const TAX_CODE = '0100233488';
/** The simulator lists its newest 10,000 entries only (core/simulator-kit.ts). */
const RECEIVED_LIST_LIMIT = 10_000;

export interface EcardSettings {
  requests: number;
  concurrency: number;
  rounds: number;
  warmup: number;
}

function whole(name: string, fallback: number, min: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be a whole number of at least ${min}, not '${raw}'`);
  return value;
}

export function readEcardSettings(): EcardSettings {
  const settings = {
    requests: whole('BENCH_ECARD_REQUESTS', 3000, 1),
    concurrency: whole('BENCH_ECARD_CONCURRENCY', 8, 1),
    rounds: whole('BENCH_ECARD_ROUNDS', 3, 1),
    warmup: whole('BENCH_ECARD_WARMUP', 500, 0),
  };
  if (settings.requests > RECEIVED_LIST_LIMIT) throw new Error(`BENCH_ECARD_REQUESTS is at most ${RECEIVED_LIST_LIMIT}: the simulator lists no more`);
  return settings;
}

export interface RunFigures {
  requests: number;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** CPU of the process answering (the simulator child for direct, the sandbox child for gateway) per request, µs; null without /proc. */
  serverCpuMicros: number | null;
}

export interface EcardBench {
  settings: EcardSettings;
  rounds: Array<{ direct: RunFigures; gateway: RunFigures }>;
  direct: Summary;
  gateway: Summary;
  added: { p50Ms: number; p99Ms: number };
  target: typeof ECARD_TARGET;
  met: boolean;
  text: string;
}

interface Summary {
  p50Ms: number;
  p99Ms: number;
  perSecond: number;
  serverCpuMicros: number | null;
}

const sandboxReady = v.object({ url: v.string(), keys: v.object({ client: v.string(), operator: v.string() }) });
const simulatorReady = v.object({ url: v.string() });
const profileShape = v.object({ source: v.literal('ecard'), taxCode: v.literal(TAX_CODE) });
const directShape = v.object({ code: v.literal('00'), data: v.object({ taxCode: v.literal(TAX_CODE) }) });

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

/** `requests` calls of `one`, `concurrency` in flight; every answer must pass `one`'s own check. */
async function fixedConcurrency(requests: number, concurrency: number, one: () => Promise<void>, serverPid?: number): Promise<RunFigures> {
  const latencies: number[] = [];
  const cpuBefore = processCpuSeconds(serverPid);
  let started = 0;
  const begin = performance.now();
  const worker = async () => {
    while (started < requests) {
      started += 1;
      const t0 = performance.now();
      await one();
      latencies.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, requests) }, worker));
  const seconds = (performance.now() - begin) / 1000;
  const cpuAfter = processCpuSeconds(serverPid);
  latencies.sort((a, b) => a - b);
  const serverCpuMicros = cpuBefore === undefined || cpuAfter === undefined ? null : ((cpuAfter - cpuBefore) * 1e6) / requests;
  return { requests, seconds, perSecond: requests / seconds, p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99), serverCpuMicros };
}

const fixed = (value: number, digits = 2) => value.toFixed(digits);
const cpu = (micros: number | null) => (micros === null ? '  n/a' : fixed(micros, 0).padStart(5));

function format(result: Omit<EcardBench, 'text'>): string {
  const { settings, direct, gateway, added, target } = result;
  const lines = [
    `E-card sync pass-through: ecard/lookup through the gateway vs direct on the simulator (same axios keep-alive client)`,
    `  ${settings.requests} requests per run, concurrency ${settings.concurrency}, ${settings.rounds} rounds (median shown), warm-up ${settings.warmup}; gateway lookup cache OFF`,
    `                 p50 ms   p99 ms   req/s   server CPU µs/req`,
    `  direct        ${fixed(direct.p50Ms).padStart(7)}  ${fixed(direct.p99Ms).padStart(7)}  ${fixed(direct.perSecond, 0).padStart(6)}   ${cpu(direct.serverCpuMicros)} (simulator)`,
    `  gateway       ${fixed(gateway.p50Ms).padStart(7)}  ${fixed(gateway.p99Ms).padStart(7)}  ${fixed(gateway.perSecond, 0).padStart(6)}   ${cpu(gateway.serverCpuMicros)} (gateway; + the simulator's)`,
    `  added         ${fixed(added.p50Ms).padStart(7)}  ${fixed(added.p99Ms).padStart(7)}          target p50 <= ${target.p50AddedMs} ms, p99 <= ${target.p99AddedMs} ms: ${result.met ? 'met' : 'NOT met'}`,
    ...result.rounds.map(
      (round, i) =>
        `  round ${i + 1}: direct p50 ${fixed(round.direct.p50Ms)} p99 ${fixed(round.direct.p99Ms)} ${fixed(round.direct.perSecond, 0)}/s; ` +
        `gateway p50 ${fixed(round.gateway.p50Ms)} p99 ${fixed(round.gateway.p99Ms)} ${fixed(round.gateway.perSecond, 0)}/s`,
    ),
  ];
  return lines.join('\n');
}

export async function benchEcard(dir: string, step: (s: string) => void, settings: EcardSettings = readEcardSettings()): Promise<EcardBench> {
  const { requests, concurrency, rounds, warmup } = settings;
  const credentials = { cardApiKey: randomBytes(24).toString('base64url'), registryKey: `bench_${randomBytes(4).toString('hex')}`, registrySecret: randomBytes(24).toString('base64url') };
  const env = { BENCH_ECARD_CREDENTIALS: JSON.stringify(credentials) };
  const children: ChildServer[] = [];
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency, maxFreeSockets: concurrency });
  try {
    step('e-card: starting the simulator child and the sandbox child (ecard instance on that simulator, caches off)');
    const simulatorChild = await startChild('bench/ecard-simulator-server.ts', env);
    children.push(simulatorChild);
    const simulator = v.parse(simulatorReady, simulatorChild.ready).url;
    const sandboxChild = await startChild('bench/ecard-sandbox-main.ts', { ...env, BENCH_ECARD_URL: simulator, LIENTHONG_DB: `${dir}/ecard-bench.db` });
    children.push(sandboxChild);
    const sandbox = v.parse(sandboxReady, sandboxChild.ready);
    const client: AxiosInstance = axios.create({ httpAgent: agent, maxRedirects: 0, proxy: false, timeout: 10_000 });

    const direct = async () => {
      const answer = await client.get<unknown>(`${simulator}/ecard/v1/enterprises/${TAX_CODE}`, { headers: { 'x-api-key': credentials.cardApiKey } });
      v.parse(directShape, answer.data);
    };
    const gateway = async () => {
      const answer = await client.post<unknown>(`${sandbox.url}/v1/ecard/lookup`, { agency: AGENCY, taxCode: TAX_CODE }, { headers: { authorization: `Bearer ${sandbox.keys.client}` } });
      v.parse(profileShape, answer.data);
    };
    const clearReceived = () => client.delete(`${simulator}/__received`);
    const receivedCount = async () => ((await client.get<unknown[]>(`${simulator}/__received`)).data as unknown[]).length;

    if (warmup > 0) {
      step(`e-card: warm-up, ${warmup} look-ups each way`);
      await explained(simulatorChild, () => fixedConcurrency(warmup, concurrency, direct));
      await explained(sandboxChild, () => fixedConcurrency(warmup, concurrency, gateway));
    }
    const results: Array<{ direct: RunFigures; gateway: RunFigures }> = [];
    for (let n = 1; n <= rounds; n++) {
      step(`e-card round ${n}/${rounds}: ${requests} look-ups direct, then through the gateway, concurrency ${concurrency}`);
      const directRun = await explained(simulatorChild, () => fixedConcurrency(requests, concurrency, direct, simulatorChild.child.pid));
      await clearReceived();
      const gatewayRun = await explained(sandboxChild, () => fixedConcurrency(requests, concurrency, gateway, sandboxChild.child.pid));
      const reached = await receivedCount();
      if (reached !== requests) throw new Error(`e-card bench: ${requests} gateway look-ups but the simulator received ${reached}: a cache answered some`);
      await clearReceived();
      results.push({ direct: directRun, gateway: gatewayRun });
    }
    const summary = (pick: (round: { direct: RunFigures; gateway: RunFigures }) => RunFigures): Summary => {
      const cpuFigures = results.map((round) => pick(round).serverCpuMicros).filter((micros): micros is number => micros !== null);
      return {
        p50Ms: median(results.map((round) => pick(round).p50Ms)),
        p99Ms: median(results.map((round) => pick(round).p99Ms)),
        perSecond: median(results.map((round) => pick(round).perSecond)),
        serverCpuMicros: cpuFigures.length === results.length ? median(cpuFigures) : null,
      };
    };
    const directSummary = summary((round) => round.direct);
    const gatewaySummary = summary((round) => round.gateway);
    const added = { p50Ms: gatewaySummary.p50Ms - directSummary.p50Ms, p99Ms: gatewaySummary.p99Ms - directSummary.p99Ms };
    const met = added.p50Ms <= ECARD_TARGET.p50AddedMs && added.p99Ms <= ECARD_TARGET.p99AddedMs;
    const result = { settings, rounds: results, direct: directSummary, gateway: gatewaySummary, added, target: ECARD_TARGET, met };
    return { ...result, text: format(result) };
  } finally {
    agent.destroy();
    await Promise.all(children.map((child) => child.stop()));
  }
}
