import { median, spread } from '../stats.ts';
import { alignColumns } from '../table.ts';
import { type PeersBench, type PeersRound, WARMUP_JOBS } from './peers.ts';
import { DELIVERY_CONCURRENCY, GRAPHILE_LOCAL_QUEUE } from './settings.ts';

/** Issue 17's targets, on a 2-vCPU machine of this workplace. */
const PEERS_TARGETS = { deliveryVsGraphile: 1.0, deliveryCpuUsPerJob: 250, acceptVsPlainInsert: 1.3 } as const;

const int = (value: number) => Math.round(value).toLocaleString('en-US');
const ratio = (value: number) => `${value.toFixed(2)}x`;

/** Each round's figure; null when a round has none (no /proc). */
function perRound(rounds: PeersRound[], figure: (round: PeersRound) => number | null): number[] | null {
  const values = rounds.map(figure);
  return values.some((value) => value === null) ? null : (values as number[]);
}

const acceptRatios = (rounds: PeersRound[]) => rounds.map((round) => round.accept.lienthong.load.measured.ratePerSecond / round.accept.plainInsert.load.measured.ratePerSecond);
const deliveryRatios = (rounds: PeersRound[]) => rounds.map((round) => round.delivery.lienthong.perSecond / round.delivery.graphile.perSecond);
const postgresMicros = (cpu: PeersRound['delivery']['graphile']['cpu'], units: number) =>
  cpu.postgres ? ((cpu.postgres.backends + cpu.postgres.server) / units) * 1e6 : null;

/** The figures judged against the targets, for the JSON line: null when the peers were skipped. */
export function peersVerdict(peers: PeersBench) {
  const { rounds } = peers;
  const ran = peers.skipped === null && rounds.length > 0;
  const medianOf = (values: number[] | null) => (ran && values ? median(values) : null);
  const deliveryVsGraphile = ran ? median(deliveryRatios(rounds)) : null;
  const deliveryCpuUsPerJob = medianOf(perRound(rounds, (round) => round.delivery.lienthong.cpuMicrosPerJob));
  const acceptVsPlainInsert = ran ? median(acceptRatios(rounds)) : null;
  const acceptCpuUsPerRequest = medianOf(perRound(rounds, (round) => round.accept.lienthong.cpuMicrosPerRequest));
  const met = (value: number | null, check: (value: number) => boolean) => (value === null ? null : check(value));
  return {
    deliveryVsGraphile,
    deliveryCpuUsPerJob,
    acceptVsPlainInsert,
    acceptCpuUsPerRequest,
    peersTargets: PEERS_TARGETS,
    peersTargetsMet: {
      deliveryVsGraphile: met(deliveryVsGraphile, (value) => value >= PEERS_TARGETS.deliveryVsGraphile),
      deliveryCpuUsPerJob: met(deliveryCpuUsPerJob, (value) => value <= PEERS_TARGETS.deliveryCpuUsPerJob),
      acceptVsPlainInsert: met(acceptVsPlainInsert, (value) => value >= PEERS_TARGETS.acceptVsPlainInsert),
    },
    peersSkipped: peers.skipped,
  };
}

/** The peers' table, the judged figures beside their targets, and notes. */
export function peersSection(peers: PeersBench): string[] {
  const { settings, rounds } = peers;
  if (peers.skipped !== null || !peers.postgres) {
    return [
      `REFERENCE PEERS SKIPPED: ${peers.skipped ?? 'no PostgreSQL'}.`,
      'deliveryVsGraphile, deliveryCpuUsPerJob, acceptVsPlainInsert and acceptCpuUsPerRequest are null in the JSON line. ' +
        'Set BENCH_PEERS_DATABASE_URL to a PostgreSQL the bench may create a database in.',
    ];
  }
  const { postgres } = peers;
  const roundHeads = rounds.map((round, n) => `round ${n + 1} (${round.first} first)`);
  const row = (label: string, values: number[] | null, format: (value: number) => string = int) => {
    if (!values) return [label, 'n/a', '', ...rounds.map(() => 'n/a')];
    const { median: middle, min, max } = spread(values);
    return [label, format(middle), `${format(min)}-${format(max)}`, ...values.map(format)];
  };
  const batched = `local queue ${GRAPHILE_LOCAL_QUEUE}, completion batched ${settings.graphileBatchMs} ms`;
  const table = alignColumns([
    [`reference peers, ${rounds.length} rounds`, 'median', 'min-max', ...roundHeads],
    row('accept req/s: lienthong (SQLite, delivery held back)', rounds.map((round) => round.accept.lienthong.load.measured.ratePerSecond)),
    row('accept req/s: plain pg INSERT (pool of 10)', rounds.map((round) => round.accept.plainInsert.load.measured.ratePerSecond)),
    row('accept CPU µs/request: lienthong, gateway process', perRound(rounds, (round) => round.accept.lienthong.cpuMicrosPerRequest)),
    row('accept CPU µs/request: plain INSERT, server + PostgreSQL', perRound(rounds, (round) => round.accept.plainInsert.cpuMicrosPerRequest)),
    row('  of which PostgreSQL', perRound(rounds, (round) => postgresMicros(round.accept.plainInsert.cpu, round.accept.plainInsert.answered))),
    row(`delivered jobs/s: lienthong webhook delivery (c=${DELIVERY_CONCURRENCY})`, rounds.map((round) => round.delivery.lienthong.perSecond)),
    row(`delivered jobs/s: graphile-worker (${batched}, c=${DELIVERY_CONCURRENCY})`, rounds.map((round) => round.delivery.graphile.perSecond)),
    row('CPU µs/job: lienthong, store + worker (one process)', perRound(rounds, (round) => round.delivery.lienthong.cpuMicrosPerJob)),
    row('CPU µs/job: graphile-worker, worker + PostgreSQL', perRound(rounds, (round) => round.delivery.graphile.cpuMicrosPerJob)),
    row('  of which PostgreSQL', perRound(rounds, (round) => postgresMicros(round.delivery.graphile.cpu, round.delivery.graphile.jobs))),
  ]);
  const verdict = peersVerdict(peers);
  const judged = (value: number | null, met: boolean | null, target: string, format: (value: number) => string) =>
    value === null ? ['n/a', `target ${target}: not judged`] : [format(value), `target ${target}: ${met ? 'met' : 'NOT met'}`];
  const verdictTable = alignColumns([
    ['figure (median of rounds)', 'value', 'each round', 'target'],
    ['acceptVsPlainInsert: lienthong accept req/s over plain INSERT\'s, same round', ...withRounds(judged(verdict.acceptVsPlainInsert, verdict.peersTargetsMet.acceptVsPlainInsert, `>= ${PEERS_TARGETS.acceptVsPlainInsert}`, ratio), acceptRatios(rounds).map(ratio).join(', '))],
    ['acceptCpuUsPerRequest: lienthong accept, CPU µs per request', verdict.acceptCpuUsPerRequest === null ? 'n/a' : int(verdict.acceptCpuUsPerRequest), '', 'no target: shown beside the plain INSERT\'s'],
    ['deliveryVsGraphile: lienthong delivered jobs/s over graphile-worker\'s, same round', ...withRounds(judged(verdict.deliveryVsGraphile, verdict.peersTargetsMet.deliveryVsGraphile, `>= ${PEERS_TARGETS.deliveryVsGraphile}`, ratio), deliveryRatios(rounds).map(ratio).join(', '))],
    ['deliveryCpuUsPerJob: lienthong delivery, CPU µs per job', ...withRounds(judged(verdict.deliveryCpuUsPerJob, verdict.peersTargetsMet.deliveryCpuUsPerJob, `<= ${PEERS_TARGETS.deliveryCpuUsPerJob}`, int), '')],
  ]);
  const outside = rounds.flatMap((round) => [round.accept.lienthong, round.accept.plainInsert, round.delivery.lienthong, round.delivery.graphile].map((run) => run.cpu.outsidePercent));
  const known = outside.filter((value): value is number => value !== null);
  const exited = rounds.reduce((sum, round) => sum + (round.accept.plainInsert.cpu.postgres?.exited ?? 0) + (round.delivery.graphile.cpu.postgres?.exited ?? 0), 0);
  const redelivered = rounds.reduce((sum, round) => sum + round.delivery.lienthong.redeliveries + round.delivery.graphile.redeliveries, 0);
  return [
    `reference peers: PostgreSQL ${postgres.version} at ${settings.postgresServer} (fsync ${postgres.fsync}, synchronous_commit ${postgres.synchronousCommit}, ` +
      `wal_sync_method ${postgres.walSyncMethod}, autovacuum ${postgres.autovacuum}), database ${postgres.database} made for the run and dropped after it; ` +
      `accept: autocannon ${settings.connections} connections, ${settings.warmupSeconds} s warm-up + ${settings.seconds} s each; ` +
      `delivery: ${int(settings.jobs)} jobs each side per round, after an uncounted run of ${int(Math.min(WARMUP_JOBS, settings.jobs))}`,
    '',
    ...table,
    '',
    ...verdictTable,
    '',
    'accept: the same body to both; lienthong is the sandbox child on SQLite with delivery held back (as (a) above: key check, audit entry, ' +
      'group commit with synchronous=FULL); the plain INSERT server checks the body with the same valibot schema and INSERTs one row, no key, no audit. ' +
      'CPU over the warm-up and the measured run, per 202.',
    'delivery: the same signed event POSTed per job to one bare node:http receiver (its CPU counted on neither side); lienthong timed from its worker\'s start, ' +
      'graphile-worker from its first job\'s start, both until the last outcome is committed. lienthong\'s CPU is the bench process\'s (store, SQLite\'s threads, worker) over that span.',
    'PostgreSQL\'s CPU, from /proc: the backends serving the bench\'s database and the server\'s own processes (WAL writer, checkpointer, background writer), ' +
      'which serve every database: with other work on the same server they count some of it too.' +
      (exited > 0 ? ` ${exited} backends ended within a run: what they used is missing.` : ''),
    known.length === 0 ? 'CPU used outside the bench: not known (no /proc)' : `CPU used outside the bench and its database during the runs: at most ${Math.max(...known).toFixed(0)}% of one core (median ${median(known).toFixed(0)}%)`,
    `plain INSERT: ${int(peers.plainInsertRows?.answered202 ?? 0)} answered 202, warm-ups included; its table holds ${int(peers.plainInsertRows?.stored ?? 0)} rows. ` +
      `Deliveries beyond one per job, both sides, all rounds: ${redelivered}.`,
  ];
}

function withRounds([value, target]: string[], rounds: string): string[] {
  return [value ?? '', rounds, target ?? ''];
}
