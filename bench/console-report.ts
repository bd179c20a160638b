import type { ConsoleBench } from './console.ts';
import { alignColumns } from './table.ts';

const ms = (value: number) => value.toFixed(1);

/** The console reads as lines for the bench's report. */
export function consoleSection({ settings, fill, figures, targetP99Ms, met }: ConsoleBench): string[] {
  return [
    `Operators' reads at ${fill.messages.toLocaleString('en')} messages: admin API and console pages over HTTP, one request at a time, in turns`,
    ...alignColumns([
      ['request', 'p50 ms', 'p99 ms', 'max ms', 'judged'],
      ...figures.map((figure) => [figure.name, ms(figure.p50Ms), ms(figure.p99Ms), ms(figure.maxMs), figure.judged ? (figure.p99Ms < targetP99Ms ? 'met' : 'NOT met') : 'shown']),
    ]),
    `target: p99 under ${targetP99Ms} ms for each judged request: ${met ? 'met' : 'NOT met'}`,
    `console: the store filled in SQL in ${fill.seconds.toFixed(0)} s (${fill.fileMegabytes.toFixed(0)} MB); a sandbox child on it with delivery held back; ` +
      `${settings.warmup} uncounted requests of each, then ${settings.requests} of each in turns; every answer a 200, every search finding what the store holds`,
  ];
}

export const consoleVerdict = (bench: ConsoleBench) => ({ consoleTargetMet: bench.met });
