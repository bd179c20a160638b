import os from 'node:os';
import { type Durability, HOLD_BACK_ENV, LABELS, type MeasurementKey } from './accept.ts';
import type { ConsoleBench } from './console.ts';
import { consoleSection, consoleVerdict } from './console-report.ts';
import type { EcardBench } from './ecard.ts';
import { ecardSection } from './ecard-report.ts';
import type { FloodBench } from './flood.ts';
import { floodSection, floodVerdict } from './flood-report.ts';
import type { PeersBench } from './peers/peers.ts';
import { peersSection, peersVerdict } from './peers/peers-report.ts';
import type { StoresBench } from './stores/stores.ts';
import { storesSection, storesVerdict } from './stores/stores-report.ts';
import type { PortalBench } from './portal.ts';
import { portalSection } from './portal-report.ts';
import { serverBudgetMicros, sharesOfBaselines } from './ceiling.ts';
import { perRequest } from './instructions.ts';
import type { Round } from './rounds.ts';
import type { BenchSettings } from './settings.ts';
import type { SmsBench } from './sms.ts';
import { smsSection } from './sms-report.ts';
import type { StartupBench } from './startup.ts';
import { startupSection } from './startup-report.ts';
import { type RateSummary, type RatioSummary, median, summarizeRates, summarizeRatio } from './stats.ts';
import { alignColumns } from './table.ts';
import type { DeliveryRun } from './webhook-delivery.ts';

/** The accept rate the gateway aims at, as a share of bare Hono's; judged on (a), accept with delivery held back. */
export const ACCEPT_TARGET = 0.4;

const KEYS: MeasurementKey[] = ['raw', 'acceptHeld', 'acceptDelivering'];

export interface BenchResults {
  settings: BenchSettings;
  rounds: Round[];
  durability: Record<'acceptHeld' | 'acceptDelivering', Durability>;
  delivery: DeliveryRun[];
  /** lienthong beside a plain `pg` INSERT server and graphile-worker (bench/peers/), or why they were skipped. */
  peers: PeersBench;
  /** SQLite and PostgreSQL with one and three gateway processes: accept, delivery, CPU per accept (bench/stores/). */
  stores: StoresBench;
  /** SMS end to end through sms-viettel beside a bare node-soap client (bench/sms.ts). */
  sms: SmsBench;
  /** National-portal progress delivery with batching on and off (bench/portal.ts). */
  portal: PortalBench;
  /** The e-card look-up through the gateway beside the same look-up made directly (bench/ecard.ts). */
  ecard: EcardBench;
  /** Another key's latency and the gateway's memory while 10,000 connections flood it (bench/flood.ts). */
  flood: FloodBench;
  /** The operators' reads at a million messages (bench/console.ts). */
  console: ConsoleBench;
  /** Start-up time and memory of `serve`, under tsx and compiled (bench/startup.ts). */
  startup: StartupBench;
}

/** The figures of one part judged against its target, for the JSON line. */
export const smsVerdict = (sms: SmsBench) => ({ smsToBare: sms.ratio.ofMedians, smsTarget: sms.ratio.target, smsTargetMet: sms.ratio.met });
export const portalVerdict = (portal: PortalBench) => ({ portalSpeedup: portal.speedup });
export const ecardVerdict = (ecard: EcardBench) => ({ ecardAddedMs: ecard.moderate.added, ecardTarget: ecard.target, ecardTargetMet: ecard.met });

export function machineFacts() {
  const cpus = os.cpus();
  return {
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    cpus: cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
  };
}

const machineLine = (machine: ReturnType<typeof machineFacts>) =>
  `node ${machine.node}, ${machine.cpus} x ${machine.cpuModel}, ${machine.memoryGiB} GiB, ${machine.platform}`;
const int = (value: number) => Math.round(value).toLocaleString('en-US');
const pct = (value: number) => `${(value * 100).toFixed(1)}%`;
const secs = (value: number) => `${value.toFixed(1)} s`;

/** The plain-text tables and notes, then one JSON line with every figure of every round. */
export function formatReport({ settings, rounds, durability, delivery, peers, stores, sms, portal, ecard, flood, console: consoleReads, startup }: BenchResults): string {
  const { shape } = settings;
  const machine = machineFacts();
  const rateOf = (key: MeasurementKey) => summarizeRates(rounds.map((round) => round[key].load));
  const rates: Record<MeasurementKey, RateSummary> = { raw: rateOf('raw'), acceptHeld: rateOf('acceptHeld'), acceptDelivering: rateOf('acceptDelivering') };
  const ratios = {
    acceptHeld: summarizeRatio(rates.acceptHeld, rates.raw, ACCEPT_TARGET),
    acceptDelivering: summarizeRatio(rates.acceptDelivering, rates.raw, ACCEPT_TARGET),
  };
  const roundHeads = rounds.map((_, n) => `round ${n + 1}`);
  const rateTable = alignColumns([
    [`req/s over ${rounds.length} rounds`, 'median', 'min-max', 'p50 / p99 of median round', ...roundHeads],
    ...KEYS.map((key) => rateRow(LABELS[key], rates[key])),
  ]);
  const ratioTable = alignColumns([
    ['accept / raw Hono', 'of medians', ...roundHeads],
    [...ratioRow('(a) delivery held back', ratios.acceptHeld), `target >= ${pct(ACCEPT_TARGET)}: ${ratios.acceptHeld.met ? 'met' : 'NOT met'} (met in ${ratios.acceptHeld.roundsMet} of ${rounds.length} rounds)`],
    [...ratioRow('(b) while delivering', ratios.acceptDelivering), 'reported beside (a), not judged'],
  ]);
  const instructionsTable = alignColumns([
    ['instructions per request, perf stat on the child', ...roundHeads.flatMap((head) => [`${head}: event loop`, 'all threads'])],
    ...KEYS.map((key) => [
      LABELS[key],
      ...rounds.flatMap((round) => {
        const { load, instructions } = round[key];
        const answered = load.warmup.succeeded + load.measured.succeeded;
        return [perRequest(instructions, answered, 'eventLoop'), perRequest(instructions, answered, 'total')];
      }),
    ]),
  ]);
  const micros = (value: number | undefined) => (value === undefined ? 'n/a' : int(value));
  const cpuPerRequestTable = alignColumns([
    ['CPU µs per request', ...roundHeads.flatMap((head) => [`${head}: server`, 'load generator'])],
    ...KEYS.map((key) => [LABELS[key], ...rounds.flatMap((round) => [micros(round[key].ceiling?.serverMicros), micros(round[key].ceiling?.loadMicros)])]),
  ]);
  const cpuTable = alignColumns([
    ['CPU used outside the bench, % of one core', ...roundHeads],
    ...KEYS.map((key) => [LABELS[key], ...rounds.map((round) => (round[key].cpu ? `${round[key].cpu.outsidePercent.toFixed(0)}%` : 'n/a'))]),
  ]);
  const deliveryTable = alignColumns(
    delivery.map((run) => [
      `webhook delivery, concurrency ${run.concurrency}`,
      `${int(run.perSecond)} msg/s`,
      run.cpuMicrosPerMessage === null ? 'CPU n/a' : `${int(run.cpuMicrosPerMessage)} µs CPU per message`,
      `${int(run.messages)} in ${run.seconds.toFixed(2)} s; ${int(run.receivedDistinct)} distinct ids received, ${run.redeliveries} redelivered`,
    ]),
  );
  const drains = rounds.flatMap((round) => (round.drainSeconds === null ? [] : [secs(round.drainSeconds)]));

  const lines = [
    `lienthong bench: ${machineLine(machine)}`,
    `load: autocannon in the bench process, servers in child processes on 127.0.0.1, each started once for all rounds; ` +
      `${shape.connections} connections, pipelining ${shape.pipelining}; ${rounds.length} rounds, each measuring raw, (a), (b) in turn ` +
      `for ${shape.seconds} s after a ${shape.warmupSeconds} s warm-up`,
    '',
    ...rateTable,
    '',
    ...ratioTable,
    '',
    ...instructionsTable,
    '(over the warm-up and the measured run; a count hardly moves with the machine\'s other load, so compare changes by it; n/a where perf cannot count)',
    '',
    ...cpuPerRequestTable,
    '(over the warm-up and the measured run: the child\'s CPU time, all threads, and the bench process\'s, where autocannon runs, per answered request)',
    ceilingLine(rounds),
    '',
    ...cpuTable,
    '',
    ...deliveryTable,
    '',
    `(a) delivery held back: the sandbox child started with LIENTHONG_TEST_DELIVERY=${HOLD_BACK_ENV.LIENTHONG_TEST_DELIVERY}, so its worker ` +
      'claims one message and then nothing: the accept path alone. The target is judged on (a).',
    '(b) while delivering: the sandbox child as deployed, its worker delivering the accepted SMS to echo-sms in the same process meanwhile' +
      (drains.length > 0 ? `; after each round but the last the bench waited until it had delivered its backlog (${drains.join(', ')})` : ''),
    quietLine(rounds),
    durabilityLine('(a)', durability.acceptHeld, rounds.length),
    durabilityLine('(b)', durability.acceptDelivering, rounds.length),
    `webhook: ${delivery.map((run) => `${int(run.messages)} stored in ${run.acceptSeconds.toFixed(2)} s before the worker started (c=${run.concurrency})`).join('; ')}; ` +
      'CPU per message: the bench process (store, SQLite\'s threads, worker) over the worker\'s run, from /proc; the receiver\'s not counted',
    '',
    ...peersSection(peers),
    '',
    ...storesSection(stores),
    '',
    ...smsSection(sms),
    '',
    ...portalSection(portal),
    '',
    ...ecardSection(ecard),
    '',
    ...floodSection(flood),
    ...consoleSection(consoleReads),
    '',
    ...startupSection(startup),
    '',
    JSON.stringify({
      machine,
      shape,
      rounds: rounds.length,
      holdBackEnv: HOLD_BACK_ENV,
      measurements: Object.fromEntries(KEYS.map((key) => [key, { label: LABELS[key], ...rates[key], runs: rounds.map((round) => round[key]) }])),
      acceptToRaw: ratios,
      acceptCeiling: rounds.map((round) => round.acceptHeld.ceiling),
      acceptTarget: ACCEPT_TARGET,
      targetMet: ratios.acceptHeld.met,
      drainSeconds: rounds.map((round) => round.drainSeconds),
      durability,
      delivery,
      peers,
      ...peersVerdict(peers),
      stores,
      ...storesVerdict(stores),
      sms,
      ...smsVerdict(sms),
      portal,
      ...portalVerdict(portal),
      ecard,
      ...ecardVerdict(ecard),
      flood,
      ...floodVerdict(flood),
      console: consoleReads,
      ...consoleVerdict(consoleReads),
      startup,
    }),
  ];
  return lines.join('\n');
}

/** `BENCH_ONLY=<part>`: a heading, that part's section, and one JSON line. */
export function formatPart(title: string, section: string[], figures: Record<string, unknown>): string {
  const machine = machineFacts();
  return [
    `lienthong bench, ${title} only: ${machineLine(machine)}`,
    '',
    ...section,
    '',
    JSON.stringify({ machine, ...figures }),
  ].join('\n');
}

function rateRow(label: string, rate: RateSummary): string[] {
  return [
    label,
    int(rate.median),
    `${int(rate.min)}-${int(rate.max)}`,
    `${rate.latencyMs.p50} / ${rate.latencyMs.p99} ms (round ${rate.medianRound})`,
    ...rate.perRound.map(int),
  ];
}

function ratioRow(label: string, ratio: RatioSummary): string[] {
  return [label, pct(ratio.ofMedians), ...ratio.perRound.map(pct)];
}

/**
 * What (a) could reach at best on this machine, round by round against that round's raw Hono: its CPU per request
 * and autocannon's spread perfectly over every core; and the gateway CPU per request the target would leave room for.
 */
function ceilingLine(rounds: Round[]): string {
  const raws = rounds.map((round) => round.raw.load.measured.ratePerSecond);
  const found = sharesOfBaselines(rounds.map((round, n) => ({ ceiling: round.acceptHeld.ceiling, baseline: raws[n] ?? Number.NaN })));
  if (!found) return '(a) ceiling: not computed (no /proc to read CPU times from)';
  const budgets = found.ceilings.map((entry, n) => serverBudgetMicros(ACCEPT_TARGET * (raws[n] ?? Number.NaN), entry.loadMicros, entry.cores));
  return (
    `(a) ceiling: with its work and autocannon's spread perfectly over all ${found.cores} cores, (a) could answer at most ` +
    `${pct(found.median)} of raw (median; rounds ${found.shares.map(pct).join(', ')}). ` +
    `${pct(ACCEPT_TARGET)} would need the gateway's CPU at or under ${int(median(budgets))} µs per request ` +
    `(now ${int(median(found.ceilings.map((entry) => entry.serverMicros)))} µs), and that spread over the cores`
  );
}

/** The idle children's CPU during each run: evidence that only the measured pair competed, apart from outside load. */
function quietLine(rounds: Round[]): string {
  const seen = rounds.flatMap((round, n) => KEYS.map((key) => ({ cpu: round[key].cpu, where: `round ${n + 1}, ${LABELS[key]}` })));
  const busiest = seen.reduce((top, entry) => ((entry.cpu?.idleChildrenPercent ?? 0) > (top.cpu?.idleChildrenPercent ?? 0) ? entry : top));
  if (seen.some((entry) => entry.cpu === null) || !busiest.cpu) return 'idle children: not checked (no /proc to read CPU times from)';
  return (
    `idle children: while one child was measured the other two used at most ${busiest.cpu.idleChildrenPercent.toFixed(1)}% of one core (${busiest.where}); ` +
    '"outside the bench" is the whole machine\'s busy CPU (steal included) minus the bench process and its three children'
  );
}

function durabilityLine(which: string, result: Durability, rounds: number): string {
  const stored = Object.entries(result.stored.byStatus).map(([status, count]) => `${int(count)} ${status}`).join(', ');
  return `durability ${which}: ${int(result.answered202)} answered 202 over ${rounds} rounds, warm-ups included; after SIGKILL its SQLite file holds ${int(result.stored.total)} SMS messages (${stored})`;
}
