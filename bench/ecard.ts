/**
 * The e-card sync pass-through figure: `ecard/lookup` through the gateway beside the same look-up made directly on
 * the simulator, with the same client (axios, keep-alive agent of `concurrency` sockets), at the same fixed
 * concurrency, in one run.
 *
 * - direct: `GET {simulator}/ecard/v1/enterprises/0100233488` with the API key, as the plugin's client sends it.
 * - gateway: `POST {gateway}/v1/ecard/lookup` `{ agency, taxCode: '0100233488' }` with a client key; the sandbox
 *   child (webhook and ecard plugins only) has its ecard instance call the same simulator child
 *   (LIENTHONG_TEST_EXTERNAL_SIMULATORS), with its caches OFF (a cached look-up would never reach
 *   the simulator and the figure would say nothing about the pass-through). After each gateway run the simulator's
 *   `/__received` must hold exactly one entry per request, which proves it.
 * Rounds alternate direct and gateway against children kept for the whole run. Latencies are measured per request
 * in this process; p50/p99 are of all requests of a run, the reported figure the median over rounds.
 *
 * BENCH_ECARD_REQUESTS (3000 per run), BENCH_ECARD_CONCURRENCY (8), BENCH_ECARD_ROUNDS (3), BENCH_ECARD_WARMUP (500).
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import axios, { type AxiosInstance } from 'axios';
import * as v from 'valibot';
import { simulatorConfig } from '../plugins/ecard/simulator/index.ts';
import { AGENCY } from './accept.ts';
import { type ChildServer, explained } from './children.ts';
import { watchCpu } from './cpu.ts';
import { wholeFromEnv } from './env.ts';
import { pool } from './pool.ts';
import { processCpuSeconds } from './proc-cpu.ts';
import { externalSimulatorsEnv, startSandboxChild, startSimulatorChild } from './sandbox-child.ts';
import { checkableFromEnv, clearReceived, listReceived } from './simulator-control.ts';
import { median } from './stats.ts';

/** Added by the gateway at the median and the 99th percentile, in milliseconds. */
export const ECARD_TARGET = { p50AddedMs: 1, p99AddedMs: 3 };
const TAX_CODE = '0100233488';

export interface EcardSettings {
  requests: number;
  concurrency: number;
  rounds: number;
  warmup: number;
}

export function readEcardSettings(): EcardSettings {
  return {
    requests: checkableFromEnv('BENCH_ECARD_REQUESTS', 3000),
    concurrency: wholeFromEnv('BENCH_ECARD_CONCURRENCY', 8, 1),
    rounds: wholeFromEnv('BENCH_ECARD_ROUNDS', 3, 1),
    warmup: wholeFromEnv('BENCH_ECARD_WARMUP', 500, 0),
  };
}

export interface RunFigures {
  requests: number;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** CPU of the process answering (the simulator child for direct, the sandbox child for gateway) per request, µs; null without /proc. */
  serverCpuMicros: number | null;
  /** % of one core used meanwhile by anything but the bench and its two children; null without /proc. */
  outsidePercent: number | null;
}

export interface EcardRound {
  direct: RunFigures;
  gateway: RunFigures;
}

/** One path over the rounds: the median of each figure. */
export interface EcardSummary {
  p50Ms: number;
  p99Ms: number;
  perSecond: number;
  serverCpuMicros: number | null;
}

export interface EcardBench {
  settings: EcardSettings;
  rounds: EcardRound[];
  direct: EcardSummary;
  gateway: EcardSummary;
  added: { p50Ms: number; p99Ms: number };
  target: typeof ECARD_TARGET;
  met: boolean;
}

const profileShape = v.object({ source: v.literal('ecard'), taxCode: v.literal(TAX_CODE) });
const directShape = v.object({ code: v.literal('00'), data: v.object({ taxCode: v.literal(TAX_CODE) }) });

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

/** `requests` calls of `one`, `concurrency` in flight; every answer must pass `one`'s own check. `server` answers, `other` idles. */
async function fixedConcurrency(requests: number, concurrency: number, one: () => Promise<void>, server: ChildServer, other: ChildServer): Promise<RunFigures> {
  const latencies: number[] = [];
  const machine = watchCpu(server.child.pid, [other.child.pid]);
  const cpuBefore = processCpuSeconds(server.child.pid);
  const begin = performance.now();
  await explained(server, () =>
    pool(requests, concurrency, async () => {
      const t0 = performance.now();
      await one();
      latencies.push(performance.now() - t0);
    }),
  );
  const seconds = (performance.now() - begin) / 1000;
  const cpuAfter = processCpuSeconds(server.child.pid);
  const outsidePercent = machine.stop()?.outsidePercent ?? null;
  latencies.sort((a, b) => a - b);
  const serverCpuMicros = cpuBefore === undefined || cpuAfter === undefined ? null : ((cpuAfter - cpuBefore) * 1e6) / requests;
  return { requests, seconds, perSecond: requests / seconds, p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99), serverCpuMicros, outsidePercent };
}

export async function benchEcard(dir: string, step: (s: string) => void, settings: EcardSettings = readEcardSettings()): Promise<EcardBench> {
  const { requests, concurrency, rounds, warmup } = settings;
  const credentials = { cardApiKey: randomBytes(24).toString('base64url'), registryKey: `bench_${randomBytes(4).toString('hex')}`, registrySecret: randomBytes(24).toString('base64url') };
  const children: ChildServer[] = [];
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency, maxFreeSockets: concurrency });
  try {
    step('e-card: starting the simulator child and the sandbox child (ecard instance on that simulator, caches off)');
    const simulatorChild = await startSimulatorChild('ecard', credentials);
    children.push(simulatorChild);
    const simulator = simulatorChild.ready.url;
    // Caches off: a cached look-up would never reach the simulator, and the figure would say nothing about the pass-through.
    const config = { ...simulatorConfig(simulator, credentials), cache: { lookupTtlMs: 0, staleIfErrorMs: 0, documentsTtlMs: 0 } };
    const sandboxChild = await startSandboxChild({
      LIENTHONG_TEST_PLUGINS: 'webhook,ecard',
      ...externalSimulatorsEnv({ ecard: { url: simulator, config } }),
      LIENTHONG_DB: join(dir, 'ecard-bench.db'),
    });
    children.push(sandboxChild);
    const sandbox = sandboxChild.ready;
    const client: AxiosInstance = axios.create({ httpAgent: agent, maxRedirects: 0, proxy: false, timeout: 10_000 });

    const direct = async () => {
      const answer = await client.get<unknown>(`${simulator}/ecard/v1/enterprises/${TAX_CODE}`, { headers: { 'x-api-key': credentials.cardApiKey } });
      v.parse(directShape, answer.data);
    };
    const gateway = async () => {
      const answer = await client.post<unknown>(`${sandbox.url}/v1/ecard/lookup`, { agency: AGENCY, taxCode: TAX_CODE }, { headers: { authorization: `Bearer ${sandbox.keys.client}` } });
      v.parse(profileShape, answer.data);
    };
    const runDirect = (count: number) => fixedConcurrency(count, concurrency, direct, simulatorChild, sandboxChild);
    const runGateway = (count: number) => fixedConcurrency(count, concurrency, gateway, sandboxChild, simulatorChild);

    if (warmup > 0) {
      step(`e-card: warm-up, ${warmup} look-ups each way`);
      await runDirect(warmup);
      await runGateway(warmup);
    }
    const results: EcardRound[] = [];
    for (let n = 1; n <= rounds; n++) {
      step(`e-card round ${n}/${rounds}: ${requests} look-ups direct, then through the gateway, concurrency ${concurrency}`);
      const directRun = await runDirect(requests);
      await clearReceived(simulator);
      const gatewayRun = await runGateway(requests);
      const reached = v.parse(v.array(v.unknown()), await listReceived(simulator)).length;
      if (reached !== requests) throw new Error(`e-card bench: ${requests} gateway look-ups but the simulator received ${reached}: a cache answered some`);
      await clearReceived(simulator);
      results.push({ direct: directRun, gateway: gatewayRun });
    }
    return summarize(settings, results);
  } finally {
    agent.destroy();
    await Promise.all(children.map((child) => child.stop()));
  }
}

function summarize(settings: EcardSettings, rounds: EcardRound[]): EcardBench {
  const summary = (pick: (round: EcardRound) => RunFigures): EcardSummary => {
    const cpuFigures = rounds.map((round) => pick(round).serverCpuMicros).filter((micros): micros is number => micros !== null);
    return {
      p50Ms: median(rounds.map((round) => pick(round).p50Ms)),
      p99Ms: median(rounds.map((round) => pick(round).p99Ms)),
      perSecond: median(rounds.map((round) => pick(round).perSecond)),
      serverCpuMicros: cpuFigures.length === rounds.length ? median(cpuFigures) : null,
    };
  };
  const direct = summary((round) => round.direct);
  const gateway = summary((round) => round.gateway);
  const added = { p50Ms: gateway.p50Ms - direct.p50Ms, p99Ms: gateway.p99Ms - direct.p99Ms };
  const met = added.p50Ms <= ECARD_TARGET.p50AddedMs && added.p99Ms <= ECARD_TARGET.p99AddedMs;
  return { settings, rounds, direct, gateway, added, target: ECARD_TARGET, met };
}
