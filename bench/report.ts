import os from 'node:os';
import type { AcceptBench } from './accept.ts';
import type { LoadResult, LoadShape } from './load.ts';
import type { DeliveryRun } from './webhook-delivery.ts';

/** The accept rate the gateway aims at, as a share of bare Hono's. */
export const ACCEPT_TARGET = 0.4;

export interface BenchResults {
  shape: LoadShape;
  raw: LoadResult;
  accept: AcceptBench;
  delivery: DeliveryRun[];
}

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

const int = (value: number) => Math.round(value).toLocaleString('en-US');
const pct = (value: number) => `${(value * 100).toFixed(1)}%`;

/** The plain-text table, then one JSON line with every figure. */
export function formatReport(results: BenchResults): string {
  const machine = machineFacts();
  const { shape, raw, accept, delivery } = results;
  const ratio = accept.load.measured.ratePerSecond / raw.measured.ratePerSecond;
  const gateway = accept.load.measured;
  const rows: string[][] = [
    ['measurement', 'rate', 'p50', 'p99', 'notes'],
    ['raw Hono, POST /v1/sms/send', `${int(raw.measured.ratePerSecond)} req/s`, `${raw.measured.latencyMs.p50} ms`, `${raw.measured.latencyMs.p99} ms`, `${int(raw.measured.succeeded)} x 202`],
    [
      'gateway accept, 202 durable',
      `${int(gateway.ratePerSecond)} req/s`,
      `${gateway.latencyMs.p50} ms`,
      `${gateway.latencyMs.p99} ms`,
      `${pct(ratio)} of raw (target >= ${pct(ACCEPT_TARGET)}: ${ratio >= ACCEPT_TARGET ? 'met' : 'NOT met'}); ` +
        `${int(gateway.succeeded)} x 202, ${gateway.non2xx} non-2xx, ${gateway.errors} errors`,
    ],
    ...delivery.map((run) => [
      `webhook delivery, concurrency ${run.concurrency}`,
      `${int(run.perSecond)} msg/s`,
      '',
      '',
      `${int(run.messages)} in ${run.seconds.toFixed(2)} s; ${int(run.receivedDistinct)} distinct ids received, ${run.redeliveries} redelivered`,
    ]),
  ];
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => row[column]?.length ?? 0))) ?? [];
  const table = rows.map((row) => row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0))).join('  ').trimEnd());
  const stored = Object.entries(accept.stored.byStatus).map(([status, count]) => `${int(count)} ${status}`).join(', ');

  const lines = [
    `lienthong bench: node ${machine.node}, ${machine.cpus} x ${machine.cpuModel}, ${machine.memoryGiB} GiB, ${machine.platform}`,
    `load: autocannon in the bench process, servers in child processes on 127.0.0.1; ${shape.connections} connections, ` +
      `pipelining ${shape.pipelining}, ${shape.seconds} s measured after ${shape.warmupSeconds} s warm-up`,
    '',
    ...table,
    '',
    'gateway accept: the sandbox child as deployed, its worker delivering the accepted SMS to echo-sms in the same process meanwhile',
    `durability: ${int(accept.answered202)} answered 202 (warm-up included); after SIGKILL the SQLite file holds ${int(accept.stored.total)} SMS messages (${stored})`,
    `webhook: ${delivery.map((run) => `${int(run.messages)} stored in ${run.acceptSeconds.toFixed(2)} s before the worker started (c=${run.concurrency})`).join('; ')}`,
    '',
    JSON.stringify({ machine, shape, raw, accept, acceptToRawRatio: ratio, acceptTarget: ACCEPT_TARGET, delivery }),
  ];
  return lines.join('\n');
}
