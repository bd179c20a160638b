/**
 * What `/metrics` serves, checked by Prometheus's own linter: `promtool check metrics` (Debian's `prometheus`
 * package) must exit 0 and say nothing. The gateway has taken a message, attempted it twice (a retry, then a
 * success) and answered requests, so every metric family has samples. Without promtool that check is skipped with a
 * warning; under CI it must run.
 */
import { spawn, spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { retryable, succeed } from '../delivery/scripted-plugin.test-helper.ts';
import { AGENCY_A, smsBody } from '../http/app-fixture.test-helper.ts';
import { type Exposition, type MetricsGateway, openMetricsGateway } from './metrics-fixture.test-helper.ts';

const PROMTOOL = 'promtool';

const promtoolFound = spawnSync(PROMTOOL, ['--version'], { stdio: 'ignore' }).status === 0;
// Without promtool (a developer's machine), skipped; in CI, where .ci/run installs it, a missing promtool fails.
const skip = !promtoolFound && !process.env.CI;
if (skip) console.warn(`skipping the promtool check of /metrics: ${PROMTOOL} not found on the PATH (Debian: apt-get install prometheus); under CI it runs`);

interface Verdict {
  code: number | null;
  output: string;
}

/** Pipes `text` to `promtool check metrics`; its complaints come on stdout or stderr. */
function promtoolCheck(text: string): Promise<Verdict> {
  return new Promise((resolve, reject) => {
    const child = spawn(PROMTOOL, ['check', 'metrics'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
    child.stdin.end(text);
  });
}

describe('/metrics checked by promtool', () => {
  let gateway: MetricsGateway;
  let exposition: Exposition;

  beforeAll(async () => {
    gateway = await openMetricsGateway();
    const response = await gateway.request('/v1/sms/send', { body: smsBody({ agency: AGENCY_A }) });
    expect(response.status).toBe(202);
    const worker = gateway.worker();
    gateway.sms.queue(retryable(), succeed);
    expect(await worker.deliverDue({ wait: true })).toBe(1);
    gateway.clock.t += 10 * 60_000;
    expect(await worker.deliverDue({ wait: true })).toBe(1);
    exposition = await gateway.scrape();
  });
  afterAll(async () => {
    await gateway?.dispose();
  });

  // The process's own families (GC durations before any GC ran) may still be empty: the gateway's may not.
  it('has samples in every lienthong metric family it declares', () => {
    const families = [...exposition.text.matchAll(/^# TYPE (lienthong_\S+) \S+$/gm)].map((match) => match[1] ?? '');
    expect(families).toEqual(expect.arrayContaining(['lienthong_attempts_total', 'lienthong_attempt_duration_seconds', 'lienthong_http_requests_total', 'lienthong_queue_depth']));
    const empty = families.filter((family) => !exposition.samples.some((sample) => sample.name.startsWith(family)));
    expect(empty).toEqual([]);
  });

  it('keeps the process gauges by type, without the `_total` gauges promtool refuses', () => {
    const families = [...exposition.text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((match) => `${match[1]} ${match[2]}`);
    expect(families).toEqual(expect.arrayContaining(['nodejs_active_handles gauge', 'nodejs_active_requests gauge', 'process_cpu_seconds_total counter']));
    expect(families.filter((family) => /_total (?!counter)/.test(family))).toEqual([]);
  });

  // Skipped only outside CI on a machine without promtool (`skip` above); under CI a missing promtool fails the run.
  it.skipIf(skip)('passes `promtool check metrics` with no complaint', async () => {
    expect(promtoolFound, `${PROMTOOL} not found on the PATH: CI installs Debian's prometheus package (.ci/run)`).toBe(true);
    const verdict = await promtoolCheck(exposition.text);
    expect(verdict.output.trim()).toBe('');
    expect(verdict.code).toBe(0);
  });
});
