import type { EcardBench, LoadSummary, PathFigures } from './ecard.ts';
import { alignColumns } from './table.ts';

const ms = (value: number) => value.toFixed(2);
const micros = (value: number | null) => (value === null ? 'n/a' : value.toFixed(0));
const core = (value: number | null) => (value === null ? 'n/a' : `${value.toFixed(0)}%`);

/** The e-card pass-through figures as lines for the bench's report. */
export function ecardSection({ settings, rounds, moderate, saturated, target, met }: EcardBench): string[] {
  const heads = rounds.map((_, n) => `round ${n + 1}`);
  const summaryRows = (label: string, load: LoadSummary, verdict: string) => [
    [`${label}: direct`, ms(load.direct.p50Ms), ms(load.direct.p99Ms), load.direct.perSecond.toFixed(0), `${micros(load.direct.serverCpuMicros)} (simulator)`],
    [`${label}: gateway`, ms(load.gateway.p50Ms), ms(load.gateway.p99Ms), load.gateway.perSecond.toFixed(0), `${micros(load.gateway.serverCpuMicros)} (gateway; the simulator's on top)`],
    [`${label}: added`, ms(load.added.p50Ms), ms(load.added.p99Ms), '', verdict],
  ];
  const roundRows = (label: string, pick: (round: (typeof rounds)[number]) => PathFigures) => [
    [`${label}: direct p50 / p99 ms`, ...rounds.map((round) => `${ms(pick(round).direct.p50Ms)} / ${ms(pick(round).direct.p99Ms)}`)],
    [`${label}: gateway p50 / p99 ms`, ...rounds.map((round) => `${ms(pick(round).gateway.p50Ms)} / ${ms(pick(round).gateway.p99Ms)}`)],
    [`${label}: outside the bench, direct / gateway`, ...rounds.map((round) => `${core(pick(round).direct.outsidePercent)} / ${core(pick(round).gateway.outsidePercent)}`)],
  ];
  return [
    'E-card sync pass-through: ecard/lookup through the gateway vs direct on the simulator (same axios keep-alive client)',
    ...alignColumns([
      ['medians over rounds', 'p50 ms', 'p99 ms', 'req/s', 'server CPU µs/req'],
      ...summaryRows(`moderate (${settings.ratePerSecond}/s)`, moderate, `target p50 <= ${target.p50AddedMs} ms, p99 <= ${target.p99AddedMs} ms: ${met ? 'met' : 'NOT met'}`),
      ...summaryRows(`saturated (${settings.concurrency} in flight)`, saturated, 'not judged: queueing on a busy event loop'),
    ]),
    '',
    ...alignColumns([['e-card, each round', ...heads], ...roundRows('moderate', (round) => round.moderate), ...roundRows('saturated', (round) => round.saturated)]),
    `e-card: per round ${settings.rateRequests} look-ups each way sent at ${settings.ratePerSecond}/s whatever the answers do (open loop), then ` +
      `${settings.requests} each way with ${settings.concurrency} always in flight; ${rounds.length} rounds, after ${settings.warmup} uncounted look-ups each way; ` +
      "the gateway's look-up caches off, and after every gateway run the simulator had received exactly one request per look-up",
  ];
}
