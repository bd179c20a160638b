/**
 * The e-card sync pass-through figure: `ecard/lookup` through the gateway beside the same look-up made directly on
 * the simulator, with the same client (axios, keep-alive agent of `concurrency` sockets), in one run, under two loads:
 * - moderate: look-ups sent at a fixed rate (BENCH_ECARD_RATE, 200/s) whatever the answers do, about a tenth of what
 *   the gateway answers flat out here and far above a province's one-stop traffic. The target (p50 added <= 1 ms,
 *   p99 <= 3 ms "at moderate load") is judged on this figure;
 * - saturated: `concurrency` look-ups always in flight, which keeps the gateway's one event loop busy; latencies
 *   there are mostly queueing, and are shown for what they are.
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
 * BENCH_ECARD_REQUESTS (3000 per saturated run), BENCH_ECARD_CONCURRENCY (8), BENCH_ECARD_RATE (200 per second),
 * BENCH_ECARD_RATE_REQUESTS (1000 per moderate run), BENCH_ECARD_ROUNDS (3), BENCH_ECARD_WARMUP (3000).
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
import { checkableFromEnv, simulatorClient } from './simulator-control.ts';
import { median } from './stats.ts';

/** Added by the gateway at the median and the 99th percentile, in milliseconds. */
export const ECARD_TARGET = { p50AddedMs: 1, p99AddedMs: 3 };
const TAX_CODE = '0100233488';

export interface EcardSettings {
  requests: number;
  concurrency: number;
  /** Look-ups per second under moderate load, and how many per run. */
  ratePerSecond: number;
  rateRequests: number;
  rounds: number;
  warmup: number;
}

export function readEcardSettings(): EcardSettings {
  return {
    requests: checkableFromEnv('BENCH_ECARD_REQUESTS', 3000),
    concurrency: wholeFromEnv('BENCH_ECARD_CONCURRENCY', 8, 1),
    ratePerSecond: wholeFromEnv('BENCH_ECARD_RATE', 200, 1),
    rateRequests: checkableFromEnv('BENCH_ECARD_RATE_REQUESTS', 1000),
    rounds: wholeFromEnv('BENCH_ECARD_ROUNDS', 3, 1),
    // Steady state: with 500 the first round's gateway figures were still those of code V8 had not yet optimised.
    warmup: wholeFromEnv('BENCH_ECARD_WARMUP', 3000, 0),
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

export interface PathFigures {
  direct: RunFigures;
  gateway: RunFigures;
}

export interface EcardRound {
  moderate: PathFigures;
  saturated: PathFigures;
}

/** One path over the rounds: the median of each figure. */
export interface EcardSummary {
  p50Ms: number;
  p99Ms: number;
  perSecond: number;
  serverCpuMicros: number | null;
}

export interface LoadSummary {
  direct: EcardSummary;
  gateway: EcardSummary;
  added: { p50Ms: number; p99Ms: number };
}

export interface EcardBench {
  settings: EcardSettings;
  rounds: EcardRound[];
  /** At a fixed moderate rate: what the target is judged on. */
  moderate: LoadSummary;
  saturated: LoadSummary;
  target: typeof ECARD_TARGET;
  met: boolean;
}

const profileShape = v.object({ source: v.literal('ecard'), taxCode: v.literal(TAX_CODE) });
const directShape = v.object({ code: v.literal('00'), data: v.object({ taxCode: v.literal(TAX_CODE) }) });

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

/** How calls are sent: `requests` of them, each timed from its start to its checked answer. */
type Load = (requests: number, timed: () => Promise<void>) => Promise<void>;

/** `concurrency` calls always in flight. */
const saturating = (concurrency: number): Load => (requests, timed) => pool(requests, concurrency, timed);

/** A call every 1/rate seconds, on schedule whatever the answers do (an open loop, as independent callers make). */
const atRate = (ratePerSecond: number): Load => async (requests, timed) => {
  const begin = performance.now();
  const calls: Promise<void>[] = [];
  for (let n = 0; n < requests; n++) {
    const due = begin + (n * 1000) / ratePerSecond;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    calls.push(timed());
  }
  await Promise.all(calls);
};

/** Runs `one` under `load`; every answer must pass `one`'s own check. `server` answers, `other` idles. */
async function measure(load: Load, requests: number, one: () => Promise<void>, server: ChildServer, other: ChildServer): Promise<RunFigures> {
  const latencies: number[] = [];
  const machine = watchCpu(server.child.pid, [other.child.pid]);
  const cpuBefore = processCpuSeconds(server.child.pid);
  const begin = performance.now();
  await explained(server, () =>
    load(requests, async () => {
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
  const { requests, concurrency, ratePerSecond, rateRequests, rounds, warmup } = settings;
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
      LIENTHONG_TEST_PLUGINS: 'ecard',
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
    /** Direct, then through the gateway, under one load; the simulator must have seen every gateway look-up. */
    const both = async (load: Load, count: number): Promise<PathFigures> => {
      const directRun = await measure(load, count, direct, simulatorChild, sandboxChild);
      await simulatorClient(simulator).clearReceived();
      const gatewayRun = await measure(load, count, gateway, sandboxChild, simulatorChild);
      // Only the look-ups: the gateway's health checks of the instance reach the simulator meanwhile too.
      const received = v.parse(v.array(v.looseObject({ operation: v.optional(v.string()) })), await simulatorClient(simulator).received());
      const reached = received.filter((entry) => entry.operation === 'enterprise').length;
      if (reached !== count) throw new Error(`e-card bench: ${count} gateway look-ups but the simulator received ${reached}: ${reached < count ? 'a cache answered some' : 'some were sent twice'}`);
      await simulatorClient(simulator).clearReceived();
      return { direct: directRun, gateway: gatewayRun };
    };

    if (warmup > 0) {
      step(`e-card: warm-up, ${warmup} look-ups each way`);
      await both(saturating(concurrency), warmup);
    }
    const results: EcardRound[] = [];
    for (let n = 1; n <= rounds; n++) {
      step(`e-card round ${n}/${rounds}: ${rateRequests} look-ups each way at ${ratePerSecond}/s, then ${requests} each way at concurrency ${concurrency}`);
      const moderate = await both(atRate(ratePerSecond), rateRequests);
      const saturated = await both(saturating(concurrency), requests);
      results.push({ moderate, saturated });
    }
    return summarize(settings, results);
  } finally {
    agent.destroy();
    await Promise.all(children.map((child) => child.stop()));
  }
}

function summarize(settings: EcardSettings, rounds: EcardRound[]): EcardBench {
  const moderate = summarizeLoad(rounds.map((round) => round.moderate));
  const saturated = summarizeLoad(rounds.map((round) => round.saturated));
  const met = moderate.added.p50Ms <= ECARD_TARGET.p50AddedMs && moderate.added.p99Ms <= ECARD_TARGET.p99AddedMs;
  return { settings, rounds, moderate, saturated, target: ECARD_TARGET, met };
}

function summarizeLoad(rounds: PathFigures[]): LoadSummary {
  const summary = (pick: (round: PathFigures) => RunFigures): EcardSummary => {
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
  return { direct, gateway, added: { p50Ms: gateway.p50Ms - direct.p50Ms, p99Ms: gateway.p99Ms - direct.p99Ms } };
}
