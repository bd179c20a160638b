import { median } from '../stats.ts';
import { alignColumns } from '../table.ts';
import { SETUP_LABELS, type SetupKey, type StoreRun, type StoresBench, type StoresRound } from './stores.ts';

/** Issue 16's targets. */
export const STORES_TARGETS = { pgAcceptVsSqlite: 0.7, cpuPerAcceptThreeVsOne: 1.25 } as const;

const int = (value: number) => Math.round(value).toLocaleString('en-US');
const ratio = (value: number) => `${value.toFixed(2)}x`;
const KEYS: SetupKey[] = ['sqlite', 'postgres1', 'postgres3'];

/** Each round's ratio of two figures; empty when a round lacks one. */
function ratios(rounds: StoresRound[], figure: (round: StoresRound) => [number | null | undefined, number | null | undefined]): number[] {
  const values = rounds.map((round) => {
    const [top, bottom] = figure(round);
    return top == null || bottom == null || bottom === 0 ? null : top / bottom;
  });
  return values.some((value) => value === null) ? [] : (values as number[]);
}

const acceptRatios = (rounds: StoresRound[]) => ratios(rounds, (round) => [round.accept.postgres1?.rate, round.accept.sqlite?.rate]);
const cpuRatios = (rounds: StoresRound[]) => ratios(rounds, (round) => [round.accept.postgres3?.cpuMicros, round.accept.postgres1?.cpuMicros]);
const equalLoadRatios = (rounds: StoresRound[]) => ratios(rounds, (round) => [round.accept.postgres3?.cpuMicros, round.acceptOneAtThirdLoad?.cpuMicros]);
const fixedRateRatios = (rounds: StoresRound[]) =>
  ratios(rounds, (round) => [round.acceptAtFixedRate?.postgres3?.cpuMicros, round.acceptAtFixedRate?.postgres1?.cpuMicros]);

/** The figures judged against issue 16's targets (medians of each round's ratio), for the JSON line. */
export function storesVerdict(stores: StoresBench) {
  const accept = acceptRatios(stores.rounds);
  const cpu = cpuRatios(stores.rounds);
  const pgAcceptVsSqlite = accept.length > 0 ? median(accept) : null;
  const cpuPerAcceptThreeVsOne = cpu.length > 0 ? median(cpu) : null;
  const equalLoad = equalLoadRatios(stores.rounds);
  const fixedRate = fixedRateRatios(stores.rounds);
  return {
    pgAcceptVsSqlite,
    cpuPerAcceptThreeVsOne,
    cpuPerAcceptThreeVsOneAtEqualLoad: equalLoad.length > 0 ? median(equalLoad) : null,
    cpuPerAcceptThreeVsOneAtFixedRate: fixedRate.length > 0 ? median(fixedRate) : null,
    storesTargets: STORES_TARGETS,
    storesTargetsMet: {
      pgAcceptVsSqlite: pgAcceptVsSqlite === null ? null : pgAcceptVsSqlite >= STORES_TARGETS.pgAcceptVsSqlite,
      cpuPerAcceptThreeVsOne: cpuPerAcceptThreeVsOne === null ? null : cpuPerAcceptThreeVsOne <= STORES_TARGETS.cpuPerAcceptThreeVsOne,
    },
  };
}

function row(label: string, runs: Array<StoreRun | undefined>, figure: (run: StoreRun) => number | null, format: (value: number) => string): string[] {
  const values = runs.map((run) => (run ? figure(run) : null));
  const known = values.filter((value): value is number => value !== null);
  return [label, known.length === values.length && known.length > 0 ? format(median(known)) : 'n/a', values.map((value) => (value === null ? 'n/a' : format(value))).join(', ')];
}

export function storesSection(stores: StoresBench): string[] {
  const { rounds, settings } = stores;
  const setups = KEYS.filter((key) => rounds.some((round) => round.accept[key]));
  const table = alignColumns([
    [`over ${rounds.length} rounds`, 'median', 'each round'],
    ...setups.flatMap((key) => {
      const accepts = rounds.map((round) => round.accept[key]);
      const deliveries = rounds.map((round) => round.delivery[key]);
      const label = SETUP_LABELS[key];
      return [
        row(`${label}: accepts/s`, accepts, (run) => run.rate, int),
        row(`${label}: CPU µs per accept`, accepts, (run) => run.cpuMicros, int),
        ...(key === 'sqlite'
          ? []
          : [row(`${label}: of which PostgreSQL`, accepts, (run) => run.postgresMicros, int), row(`${label}: accepts per commit`, accepts, (run) => run.acceptsPerCommit ?? null, (value) => value.toFixed(1))]),
        ...(key === 'postgres1'
          ? [
              row(`${label}, a third of the connections: accepts/s`, rounds.map((round) => round.acceptOneAtThirdLoad), (run) => run.rate, int),
              row(`${label}, a third of the connections: CPU µs per accept`, rounds.map((round) => round.acceptOneAtThirdLoad), (run) => run.cpuMicros, int),
            ]
          : []),
        ...(key === 'postgres1' || key === 'postgres3'
          ? [
              row(`${label}, offered ${int(settings.fixedRate)}/s: accepts/s`, rounds.map((round) => round.acceptAtFixedRate?.[key]), (run) => run.rate, int),
              row(`${label}, offered ${int(settings.fixedRate)}/s: CPU µs per accept`, rounds.map((round) => round.acceptAtFixedRate?.[key]), (run) => run.cpuMicros, int),
            ]
          : []),
        row(`${label}: deliveries/s`, deliveries, (run) => run.rate, int),
        row(`${label}: CPU µs per delivery`, deliveries, (run) => run.cpuMicros, int),
      ];
    }),
  ]);
  const verdict = storesVerdict(stores);
  const judged = (value: number | null, met: boolean | null, target: string) => (value === null ? ['n/a', `target ${target}: not judged`] : [ratio(value), `target ${target}: ${met ? 'met' : 'NOT met'}`]);
  const verdictTable = alignColumns([
    ['figure (median of each round\'s ratio)', 'value', 'each round', 'target'],
    ['pgAcceptVsSqlite: PostgreSQL one process accepts/s over SQLite\'s', ...withRounds(judged(verdict.pgAcceptVsSqlite, verdict.storesTargetsMet.pgAcceptVsSqlite, `>= ${STORES_TARGETS.pgAcceptVsSqlite}`), acceptRatios(rounds).map(ratio).join(', '))],
    ['cpuPerAcceptThreeVsOne: CPU per accept, three processes over one', ...withRounds(judged(verdict.cpuPerAcceptThreeVsOne, verdict.storesTargetsMet.cpuPerAcceptThreeVsOne, `<= ${STORES_TARGETS.cpuPerAcceptThreeVsOne}`), cpuRatios(rounds).map(ratio).join(', '))],
    [
      'cpuPerAcceptThreeVsOneAtEqualLoad: the same, one process loaded as each of the three',
      verdict.cpuPerAcceptThreeVsOneAtEqualLoad === null ? 'n/a' : ratio(verdict.cpuPerAcceptThreeVsOneAtEqualLoad),
      equalLoadRatios(rounds).map(ratio).join(', '),
      'not judged: the cluster\'s own cost',
    ],
    [
      `cpuPerAcceptThreeVsOneAtFixedRate: the same, both offered ${int(settings.fixedRate)} accepts/s`,
      verdict.cpuPerAcceptThreeVsOneAtFixedRate === null ? 'n/a' : ratio(verdict.cpuPerAcceptThreeVsOneAtFixedRate),
      fixedRateRatios(rounds).map(ratio).join(', '),
      'not judged: the same work, the machine not saturated',
    ],
  ]);
  const facts = stores.facts;
  return [
    stores.skipped
      ? `STORES: POSTGRESQL SKIPPED (${stores.skipped}); SQLite alone measured`
      : `stores: PostgreSQL ${facts?.version ?? '?'} at ${stores.server} (fsync ${facts?.fsync ?? '?'}, synchronous_commit ${facts?.synchronousCommit ?? '?'}, autovacuum ${facts?.autovacuum ?? '?'}), a database per setup made for the run and dropped after it`,
    `accept: POST /v1/sms/send, autocannon ${settings.connections} connections split evenly over a setup's processes, ${settings.warmupSeconds} s warm-up + ${settings.seconds} s, ` +
      `the SMS instance paused; delivery: resumed until ${int(settings.deliveries)} more messages succeeded (echo SMS provider in each process), then paused again`,
    '',
    ...table,
    '',
    ...verdictTable,
    '',
    'CPU, from /proc: every gateway process of the setup plus, on PostgreSQL, the backends serving its database and the server\'s own processes (WAL writer, ' +
      'checkpointer, background writer), over the warm-up and the measured run, per 202 (or over the delivery run, per delivered message). The load generator is not in it. ' +
      'Accepts per commit: the 202s over the audit head\'s updates in the run (pg_stat_user_tables), one per group commit.',
  ];
}

function withRounds([value, target]: string[], rounds: string): string[] {
  return [value ?? '', rounds, target ?? ''];
}
