import type { FloodBench, FloodFigures } from './flood.ts';
import type { LatencySummary } from './flood-victim.ts';
import { alignColumns } from './table.ts';

const ms = (value: number) => (Number.isFinite(value) ? value.toFixed(1) : 'n/a');
const int = (value: number) => Math.round(value).toLocaleString('en-US');
const counts = (record: Record<string, number>) =>
  Object.keys(record).length === 0 ? 'none' : Object.entries(record).map(([what, count]) => `${what}: ${int(count)}`).join(', ');
const latency = (summary: LatencySummary) => {
  const notes = [
    ...(Object.keys(summary.failures).length > 0 ? [`failed: ${counts(summary.failures)}`] : []),
    ...(summary.queued.count > 0 ? [`${int(summary.queued.count)} waited for the pool, up to ${ms(summary.queued.maxMs)} ms`] : []),
  ];
  return `${ms(summary.p50Ms)} / ${ms(summary.p99Ms)} / ${ms(summary.maxMs)}${notes.length > 0 ? ` (${notes.join('; ')})` : ''}`;
};

/** The verdict beside the figure: the target is the issue's, judged on the pooled client during each flood. */
export const floodVerdict = (flood: FloodBench) => {
  const during = flood.phases.filter((phase) => phase.phase.startsWith('flood'));
  const worstP99Ms = Math.max(...during.map((phase) => phase.pooled.p99Ms));
  return { floodWorstP99Ms: worstP99Ms, floodTargetP99Ms: flood.targetP99Ms, floodTargetMet: worstP99Ms < flood.targetP99Ms };
};

function floodLine({ keys, from, processes, opened, clients }: FloodFigures, seconds: number): string {
  const asked = opened.reduce((sum, flooder) => sum + flooder.sockets, 0);
  const limits = [...new Set(opened.map((flooder) => flooder.openFileLimit ?? 'unknown'))].join(', ');
  return (
    `flood with ${keys} from ${from}: ${processes} processes opened ${int(asked)} connections at once (their open-file limit: ${limits}); ` +
    `${int(clients.attempted)} connects in all (${int(clients.attempted / seconds)}/s), ${int(clients.closedUnanswered)} closed by the gateway unanswered, ` +
    `at most ${int(clients.heldAtMost)} answered at once; answers ${counts(clients.answers)}; socket errors ${counts(clients.errors)}`
  );
}

/** The connection-flood figures as lines for the bench's report. */
export function floodSection(flood: FloodBench): string[] {
  const { settings, phases, floods } = flood;
  const verdict = floodVerdict(flood);
  const floodSeconds = (keys: string) => phases.find((phase) => phase.phase === `flood, ${keys}`)?.seconds ?? settings.floodSeconds;
  return [
    `Connection flood: another key's POST /v1/sms/send from ${'127.0.0.1'} while ${int(settings.connections)} connections flood the gateway`,
    ...alignColumns([
      ['phase', 'seconds', 'pooled p50 / p99 / max ms', 'new connection p50 / p99 / max ms', 'gateway RSS start / peak / end MiB', 'CPU gateway / flooders / outside'],
      ...phases.map((phase) => [
        phase.phase,
        phase.seconds.toFixed(1),
        latency(phase.pooled),
        latency(phase.fresh),
        phase.rssMiB ? `${phase.rssMiB.start.toFixed(0)} / ${phase.rssMiB.peak.toFixed(0)} / ${phase.rssMiB.end.toFixed(0)}` : 'n/a',
        phase.cpuPercent === null ? 'n/a' : `${phase.cpuPercent.gateway.toFixed(0)}% / ${phase.cpuPercent.flooders.toFixed(0)}% / ${phase.cpuPercent.outside.toFixed(0)}%`,
      ]),
    ]),
    `target (issue #14): the other key's p99 under ${flood.targetP99Ms} ms during a flood, pooled client: worst ${ms(verdict.floodWorstP99Ms)} ms, ${verdict.floodTargetMet ? 'met' : 'NOT met'}`,
    ...floods.map((figures) => floodLine(figures, floodSeconds(figures.keys))),
    `flood: each flooding connection sends GET /v1/messages/msg_flood again as soon as it is answered, and is opened again ${settings.reconnectMs} ms after the gateway closes it; ` +
      `the other key sends ${settings.victimRate}/s through a keep-alive pool of up to 8 connections and ${settings.victimRate}/s each on a new connection, on schedule whatever the answers do; ` +
      'a phase counts the requests sent in it (p50/p99/max of those answered 202; pooled: from when the pool handed the request a connection, ' +
      'the wait for a free one being the client\'s own queue; new connection: connecting included). The gateway: the sandbox with echo SMS, its default limits, no per-key rate limit. ' +
      'CPU in % of one core, from the moment every flooding process runs; "outside" is the machine\'s busy time (steal included) less the bench and its children.',
  ];
}
