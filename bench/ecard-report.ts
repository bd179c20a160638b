import type { EcardBench } from './ecard.ts';
import { alignColumns } from './table.ts';

const ms = (value: number) => value.toFixed(2);
const micros = (value: number | null) => (value === null ? 'n/a' : value.toFixed(0));
const core = (value: number | null) => (value === null ? 'n/a' : `${value.toFixed(0)}%`);

/** The e-card pass-through figures as lines for the bench's report. */
export function ecardSection({ settings, rounds, direct, gateway, added, target, met }: EcardBench): string[] {
  const heads = rounds.map((_, n) => `round ${n + 1}`);
  return [
    'E-card sync pass-through: ecard/lookup through the gateway vs direct on the simulator (same axios keep-alive client)',
    ...alignColumns([
      ['medians over rounds', 'p50 ms', 'p99 ms', 'req/s', 'server CPU µs/req'],
      ['direct', ms(direct.p50Ms), ms(direct.p99Ms), direct.perSecond.toFixed(0), `${micros(direct.serverCpuMicros)} (simulator)`],
      ['gateway', ms(gateway.p50Ms), ms(gateway.p99Ms), gateway.perSecond.toFixed(0), `${micros(gateway.serverCpuMicros)} (gateway; the simulator's on top)`],
      ['added', ms(added.p50Ms), ms(added.p99Ms), '', `target p50 <= ${target.p50AddedMs} ms, p99 <= ${target.p99AddedMs} ms: ${met ? 'met' : 'NOT met'}`],
    ]),
    '',
    ...alignColumns([
      ['e-card, each round', ...heads],
      ['direct p50 / p99 ms', ...rounds.map((round) => `${ms(round.direct.p50Ms)} / ${ms(round.direct.p99Ms)}`)],
      ['gateway p50 / p99 ms', ...rounds.map((round) => `${ms(round.gateway.p50Ms)} / ${ms(round.gateway.p99Ms)}`)],
      ['direct req/s', ...rounds.map((round) => round.direct.perSecond.toFixed(0))],
      ['gateway req/s', ...rounds.map((round) => round.gateway.perSecond.toFixed(0))],
      ['outside the bench, during direct', ...rounds.map((round) => core(round.direct.outsidePercent))],
      ['outside the bench, during gateway', ...rounds.map((round) => core(round.gateway.outsidePercent))],
    ]),
    `e-card: ${settings.requests} look-ups per run, concurrency ${settings.concurrency}, ${rounds.length} rounds alternating direct and gateway, ` +
      `after ${settings.warmup} uncounted look-ups each way; the gateway's look-up caches off, and after every gateway run the simulator had received ` +
      'exactly one request per look-up',
  ];
}
