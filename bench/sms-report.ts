import { ceiling, sharesOfBaselines } from './ceiling.ts';
import { perRequest } from './instructions.ts';
import type { RunInstructions } from './sms-runs.ts';
import type { SmsBench } from './sms.ts';
import type { Spread } from './stats.ts';
import { alignColumns } from './table.ts';

const int = (value: number) => Math.round(value).toLocaleString('en-US');
const pct = (value: number) => `${(value * 100).toFixed(1)}%`;
const core = (value: number | null) => (value === null ? 'n/a' : `${value.toFixed(0)}%`);
/** CPU milliseconds per message from a % of one core over a run: less disturbed by other load on the machine than rates. */
const perMessage = (percent: number | null, run: { seconds: number; messages: number }) =>
  percent === null ? 'n/a' : `${((percent / 100) * run.seconds * 1000 / run.messages).toFixed(2)} ms`;

/** The SMS figures as lines for the bench's report. */
export function smsSection(sms: SmsBench): string[] {
  const { settings, rounds, ratio } = sms;
  const heads = rounds.map((_, n) => `round ${n + 1}`);
  const row = (label: string, spread: Spread, values: number[]) => [label, int(spread.median), `${int(spread.min)}-${int(spread.max)}`, ...values.map(int)];
  const rates = alignColumns([
    ['SMS msg/s (Viettel SOAP)', 'median', 'min-max', ...heads],
    row('bare node-soap client -> simulator child', sms.bare, rounds.map((round) => round.bare.perSecond)),
    row('end to end: POST sms/send -> delivered', sms.endToEnd, rounds.map((round) => round.endToEnd.perSecond)),
    row('  its accept phase (first POST to last 202)', sms.accept, rounds.map((round) => round.endToEnd.acceptPerSecond)),
    ...(sms.split
      ? [row('diagnostic: end to end, simulator in its own child', sms.split.endToEnd, rounds.map((round) => round.split?.run.perSecond ?? Number.NaN))]
      : []),
  ]);
  const ratios = alignColumns([
    ['SMS end to end / bare', 'of medians', ...heads],
    [
      'delivered msg/s over result-1 calls/s',
      pct(ratio.ofMedians),
      ...ratio.perRound.map(pct),
      `target >= ${pct(ratio.target)}: ${ratio.met ? 'met' : 'NOT met'} (met in ${ratio.roundsMet} of ${rounds.length} rounds)`,
    ],
    ...(sms.split
      ? [['diagnostic, simulator in its own child', pct(sms.split.ratioOfMedians), ...rounds.map((round) => pct(round.split?.ratio ?? Number.NaN)), 'not judged']]
      : []),
  ]);
  const cpu = alignColumns([
    ['SMS CPU, % of one core', ...heads],
    ['bare: node-soap client (bench process)', ...rounds.map((round) => core(round.bare.cpu.bench))],
    ['bare: simulator child', ...rounds.map((round) => core(round.bare.cpu.children.simulator))],
    ['end to end: sandbox child (gateway + simulator)', ...rounds.map((round) => core(round.endToEnd.cpu.children.sandbox))],
    ['end to end: bench process (POSTs, polls)', ...rounds.map((round) => core(round.endToEnd.cpu.bench))],
    ...(sms.split
      ? [
          ['diagnostic: gateway child (no simulator inside)', ...rounds.map((round) => core(round.split?.run.cpu.children.sandbox ?? null))],
          ['diagnostic: simulator child', ...rounds.map((round) => core(round.split?.run.cpu.children.simulator ?? null))],
          ['diagnostic: bench process', ...rounds.map((round) => core(round.split?.run.cpu.bench ?? null))],
        ]
      : []),
    ['bare: client CPU ms per call', ...rounds.map((round) => perMessage(round.bare.cpu.bench, round.bare))],
    ['bare: simulator CPU ms per call', ...rounds.map((round) => perMessage(round.bare.cpu.children.simulator, round.bare))],
    ['end to end: sandbox child CPU ms per message', ...rounds.map((round) => perMessage(round.endToEnd.cpu.children.sandbox, round.endToEnd))],
    ...(sms.split
      ? [['diagnostic: gateway child CPU ms per message', ...rounds.map((round) => (round.split ? perMessage(round.split.run.cpu.children.sandbox, round.split.run) : 'n/a'))]]
      : []),
    ['outside the bench, during bare', ...rounds.map((round) => core(round.bare.outsidePercent))],
    ['outside the bench, during end to end', ...rounds.map((round) => core(round.endToEnd.outsidePercent))],
    ...(sms.split ? [['outside the bench, during the diagnostic', ...rounds.map((round) => core(round.split?.run.outsidePercent ?? null))]] : []),
  ]);
  const count = (run: { instructions: RunInstructions; messages: number } | undefined, who: keyof RunInstructions) =>
    run ? perRequest(run.instructions[who], run.messages, 'total') : 'n/a';
  const instructions = alignColumns([
    ['SMS instructions per message, perf stat (all threads)', ...heads],
    ['bare: node-soap client (bench process)', ...rounds.map((round) => count(round.bare, 'bench'))],
    ['bare: simulator child', ...rounds.map((round) => count(round.bare, 'simulator'))],
    ['end to end: sandbox child (gateway + simulator)', ...rounds.map((round) => count(round.endToEnd, 'sandbox'))],
    ['end to end: bench process (POSTs, polls)', ...rounds.map((round) => count(round.endToEnd, 'bench'))],
    ...(sms.split
      ? [
          ['diagnostic: gateway child (no simulator inside)', ...rounds.map((round) => count(round.split?.run, 'sandbox'))],
          ['diagnostic: simulator child', ...rounds.map((round) => count(round.split?.run, 'simulator'))],
        ]
      : []),
  ]);
  const found = sharesOfBaselines(
    rounds.map(({ bare, endToEnd: run }) => {
      const { sandbox } = run.cpu.children;
      const used = (percent: number) => (percent / 100) * run.seconds;
      return { ceiling: sandbox === null ? null : ceiling({ server: used(sandbox), load: used(run.cpu.bench) }, run.messages), baseline: bare.perSecond };
    }),
  );
  const ceilingLine = found
    ? `SMS end to end ceiling: with the sandbox child's work and the bench's spread perfectly over all ${found.cores} cores, end to end could ` +
      `deliver at most ${pct(found.median)} of bare (median; rounds ${found.shares.map(pct).join(', ')}), each round against its own bare figure`
    : 'SMS end to end ceiling: not computed (no /proc to read CPU times from)';
  const seconds = (values: number[]) => values.map((value) => `${value.toFixed(2)} s`).join(', ');
  return [
    ...rates,
    '',
    ...ratios,
    '',
    ...cpu,
    '',
    ...instructions,
    '',
    ceilingLine,
    `SMS: ${int(settings.messages)} messages per run, concurrency ${settings.concurrency} both ways (bare: calls in flight; end to end: POSTs in flight ` +
      `and the instance's delivery concurrency), ${rounds.length} rounds alternating bare and end to end, after ${int(settings.warmup)} uncounted warm-up messages each way`,
    `SMS durations: bare ${seconds(rounds.map((round) => round.bare.seconds))}; end to end ${seconds(rounds.map((round) => round.endToEnd.seconds))}, ` +
      `of which accepting ${seconds(rounds.map((round) => round.endToEnd.acceptSeconds))}`,
    `SMS bare: one node-soap client made from plugins/sms-viettel/wsdl/CcApi.wsdl in the bench process (axios with a keep-alive agent of as many sockets as the concurrency, like the gateway's), calling wsCpMt on ` +
      'the Viettel simulator in a child process of its own; only result 1 counts',
    'SMS end to end: the sandbox child with LIENTHONG_TEST_SMS_PLUGIN=sms-viettel on a fresh SQLite file; the Viettel simulator runs inside the ' +
      'sandbox process, as the sandbox starts it. The clock runs from the first POST until a poll of GET /admin/v1/instances (every 20 ms) shows them all succeeded',
    `SMS checked after every run: the simulator's /__received listed each message exactly once (${rounds
      .map((round) => `${int(round.bare.received.distinct)}/${int(round.endToEnd.received.distinct)}`)
      .join(', ')} distinct RequestIDs bare/end to end, none repeated, none refused); end to end every text sent arrived, and the gateway counted ` +
      `no dead SMS (${int(rounds.at(-1)?.endToEnd.gateway.succeeded ?? 0)} succeeded in all, warm-up included)`,
  ];
}
