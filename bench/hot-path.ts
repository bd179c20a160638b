/**
 * The two hot paths alone, for judging a change to them by CPU per job rather than by rates on a noisy machine:
 *
 *   npx tsx bench/hot-path.ts delivery [runs] [jobs]   webhook delivery, store and worker here, bare receiver child
 *   npx tsx bench/hot-path.ts accept [runs] [seconds]  POST /v1/sms/send against a sandbox child, delivery held back
 *   npx tsx bench/hot-path.ts micro [runs]             per-attempt pieces alone (deadlines, audit entry, runOperation)
 *
 * Each run prints the rate, the CPU µs per job (or request) of the process doing the work, all threads and its
 * main thread alone (from /proc), and the median over the runs last. HOT_PATH_PROFILE=<dir> writes a V8 CPU profile
 * of the main thread: of the worker's span in-process for delivery, of the whole child (bench/cpu-profile-preload.mjs) for accept;
 * `npx tsx bench/profile-summary.ts <file>` sums it up.
 */
import { randomBytes } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig } from '../core/config/load.ts';
import { buildMessage } from '../core/delivery/new-message.ts';
import { DeliveryWorker } from '../core/delivery/worker.ts';
import type { NewMessage } from '../core/store/types.ts';
import type { InstanceRuntime } from '../core/runtime/instances.ts';
import type { Deadline } from '../core/runtime/deadline.ts';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger } from '../core/logger.ts';
import { Instances } from '../core/runtime/instances.ts';
import { pluginServices } from '../core/runtime/plugin-services.ts';
import { SqliteStore } from '../core/store/sqlite/sqlite-store.ts';
import { plugins } from '../app/plugins.ts';
import { AGENCY, HOLD_BACK_ENV, SMS_BODY } from './accept.ts';
import { explained, startChild, urlReady } from './children.ts';
import { measureLoad, assertOnlyExpected } from './load.ts';
import { TICKS_PER_SECOND, processCpuSeconds } from './proc-cpu.ts';
import { startSandboxChild } from './sandbox-child.ts';
import { simulatorClient } from './simulator-control.ts';

const profileDir = process.env.HOT_PATH_PROFILE || undefined;

/** CPU seconds of one thread of `pid` (the main thread when `tid` is the pid itself). */
function threadCpuSeconds(pid: number, tid = pid): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8').replace(/^[^)]*\)\s*/s, '').split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

interface Figures {
  perSecond: number;
  cpuMicros: number;
  mainMicros: number;
  /** Delivery: messages per claim the worker made (claims that found nothing included). */
  jobsPerClaim?: number;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

function print(label: string, runs: Figures[]): void {
  for (const [n, run] of runs.entries()) {
    const claims = run.jobsPerClaim === undefined ? '' : `, ${run.jobsPerClaim.toFixed(1)} jobs per claim`;
    console.log(`${label} run ${n + 1}: ${run.perSecond.toFixed(0)}/s, ${run.cpuMicros.toFixed(0)} µs CPU each (main thread ${run.mainMicros.toFixed(0)} µs)${claims}`);
  }
  console.log(
    `${label} median: ${median(runs.map((run) => run.perSecond)).toFixed(0)}/s, ${median(runs.map((run) => run.cpuMicros)).toFixed(0)} µs CPU each ` +
      `(main thread ${median(runs.map((run) => run.mainMicros)).toFixed(0)} µs)`,
  );
  console.log(JSON.stringify({ hotPath: label, runs }));
}

async function delivery(runs: number, jobs: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'hot-path-'));
  const receiver = await startChild('bench/peers/bare-receiver-server.ts', {}, urlReady);
  const secret = `whsec_${randomBytes(32).toString('base64')}`;
  const results: Figures[] = [];
  try {
    await explained(receiver, async () => {
      // One uncounted run first: JIT, connections.
      for (let n = 0; n <= runs; n++) {
        const figures = await deliverOnce(join(dir, `run-${n}.db`), n === 0 ? 500 : jobs, receiver.ready.url, secret, n === runs ? profileDir : undefined);
        if (n > 0) results.push(figures);
      }
    });
  } finally {
    await receiver.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  print('delivery', results);
}

async function deliverOnce(file: string, jobs: number, receiverUrl: string, secret: string, profile: string | undefined): Promise<Figures> {
  const config = loadConfig(
    { agencies: [{ code: AGENCY }], webhooks: [{ id: 'bench', url: `${receiverUrl}/webhook`, secret: { env: 'BENCH_WEBHOOK_SECRET' }, delivery: { concurrency: 32 } }] },
    plugins,
    { BENCH_WEBHOOK_SECRET: secret },
  );
  const log = createLogger('warn', process.stderr);
  const instances = new Instances(config, log);
  const instance = instances.get('webhook-bench');
  if (!instance) throw new Error('the config made no webhook-bench instance');
  const store = await SqliteStore.open(file, { auditKey: randomBytes(32) });
  try {
    await simulatorClient(receiverUrl).clearReceived();
    const now = Date.now();
    const timestamp = new Date(now).toISOString();
    await Promise.all(
      Array.from({ length: jobs }, (_, n) =>
        store.accept(buildMessage(instance, 'deliver', { agency: AGENCY, event: { type: 'bench.event', timestamp, data: { n } } }, now)),
      ),
    );
    const services = pluginServices({ store, instances, clock: { now: () => Date.now() }, notify: () => undefined, publicUrl: () => 'http://127.0.0.1' }, instance.id, 'worker');
    // How many claims the run took: each is statements in a write transaction, on SQLite's threads and here.
    let claims = 0;
    const claimDue = store.claimDue.bind(store);
    store.claimDue = (claim) => {
      claims += 1;
      return claimDue(claim);
    };
    const worker = new DeliveryWorker({ store, instances, log, services: () => services });
    const session = profile ? new Session() : undefined;
    if (session) {
      session.connect();
      await session.post('Profiler.enable');
      await session.post('Profiler.start');
    }
    const cpuBefore = processCpuSeconds(process.pid) ?? 0;
    const mainBefore = threadCpuSeconds(process.pid) ?? 0;
    const started = performance.now();
    worker.start();
    try {
      for (;;) {
        const stats = (await store.queueStats()).find((entry) => entry.instance === instance.id);
        if (stats && stats.dead > 0) throw new Error(`${stats.dead} webhook messages went dead`);
        if (stats && stats.succeeded >= jobs) break;
        await sleep(10);
      }
    } finally {
      await worker.stop();
    }
    const seconds = (performance.now() - started) / 1000;
    const cpu = (processCpuSeconds(process.pid) ?? 0) - cpuBefore;
    const main = (threadCpuSeconds(process.pid) ?? 0) - mainBefore;
    if (session && profile) {
      const { profile: taken } = await session.post('Profiler.stop');
      const path = join(profile, `delivery-${Date.now()}.cpuprofile`);
      writeFileSync(path, JSON.stringify(taken));
      console.error(`hot-path: profile written to ${path}`);
      session.disconnect();
    }
    return { perSecond: jobs / seconds, cpuMicros: (cpu / jobs) * 1e6, mainMicros: (main / jobs) * 1e6, jobsPerClaim: jobs / claims };
  } finally {
    await store.close();
  }
}

async function accept(runs: number, seconds: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'hot-path-'));
  const env: Record<string, string> & { LIENTHONG_DB: string } = { ...HOLD_BACK_ENV, LIENTHONG_DB: join(dir, 'accept.db') };
  if (profileDir) {
    env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ''} --import ./bench/cpu-profile-preload.mjs`.trim();
    env.HOT_PATH_PROFILE_DIR = profileDir;
  }
  const child = await startSandboxChild(env);
  const pid = child.child.pid ?? 0;
  const results: Figures[] = [];
  try {
    await explained(child, async () => {
      const request = {
        url: `${child.ready.url}/v1/sms/send`,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${child.ready.keys.client}` },
        body: SMS_BODY,
        expectStatus: 202,
      };
      await measureLoad(request, { connections: 50, pipelining: 1, seconds: 2, warmupSeconds: 1 });
      // Each run's own warm-up is counted too: CPU is read around both.
      for (let n = 0; n < runs; n++) {
        const cpuBefore = processCpuSeconds(pid) ?? 0;
        const mainBefore = threadCpuSeconds(pid) ?? 0;
        const load = await measureLoad(request, { connections: 50, pipelining: 1, seconds, warmupSeconds: 1 });
        assertOnlyExpected('accept', load, 202);
        const answered = load.warmup.succeeded + load.measured.succeeded;
        const cpu = (processCpuSeconds(pid) ?? 0) - cpuBefore;
        const main = (threadCpuSeconds(pid) ?? 0) - mainBefore;
        results.push({ perSecond: load.measured.ratePerSecond, cpuMicros: (cpu / answered) * 1e6, mainMicros: (main / answered) * 1e6 });
      }
    });
  } finally {
    await child.stop(30_000);
    rmSync(dir, { recursive: true, force: true });
  }
  print('accept', results);
}

/** CPU ns per call of `work`, `count` calls, after as many uncounted ones. */
function cpuNanos(count: number, work: (n: number) => void): number {
  for (let n = 0; n < count; n++) work(n);
  const before = process.cpuUsage();
  for (let n = 0; n < count; n++) work(n);
  const used = process.cpuUsage(before);
  return ((used.user + used.system) * 1000) / count;
}

async function micro(runs: number): Promise<void> {
  // Loaded here, so that the delivery and accept parts also run against a version of core without the direct path.
  const { startDeadline } = await import('../core/runtime/deadline.ts');
  const { GENESIS, chainEntries } = await import('../core/audit/chain.ts');
  const { acceptedEntry } = await import('../core/audit/entries.ts');
  const { runOperation } = await import('../core/runtime/run-operation.ts');
  const { createHttpClient, directClientOf } = await import('../core/runtime/outbound/http-client.ts');
  const results: Record<string, number[]> = {};
  const note = (name: string, nanos: number) => (results[name] ??= []).push(nanos);
  for (let run = 0; run < runs; run++) {
    // As the worker's attempts: 32 in flight, each deadline cancelled long before it comes due.
    const live: Deadline[] = [];
    note('deadline start+cancel, 32 live', cpuNanos(200_000, () => {
      live.push(startDeadline(30_000, () => undefined));
      if (live.length > 32) live.shift()?.cancel();
    }));
    for (const deadline of live) deadline.cancel();
    await sleep(10);
  }
  // An accepted message's audit work: its payload digest and its chained entry (canonical JSON and HMAC).
  const auditKey = randomBytes(32);
  const payload = JSON.parse(SMS_BODY) as Record<string, unknown>;
  const message = { id: 'msg_01HOTPATH', instance: 'sms-echo', capability: 'sms', operation: 'send', agency: AGENCY, payload, createdAt: Date.now(), reference: 'H22-0001' } as unknown as NewMessage;
  for (let run = 0; run < runs; run++) {
    note('audit: accepted entry, digest and chain', cpuNanos(50_000, () => chainEntries(auditKey, { seq: 1, hash: GENESIS }, [acceptedEntry(message, 'key:bench')])));
  }

  // One attempt's own work in runOperation around a plugin that answers at once: context, signal, deadline, log.
  const instance = {
    id: 'micro',
    config: {},
    log: createLogger('info', process.stderr),
    http: undefined as never,
    plugin: { id: 'micro', capability: 'webhook', operations: { deliver: { run: async () => ({ status: 204 }) } } },
    policy: { timeoutMs: 30_000 },
    checkOutputs: false,
  } as unknown as InstanceRuntime;
  const services = { records: undefined as never, emit: async () => undefined, callbackUrl: 'http://127.0.0.1' };
  const shutdown = new AbortController();
  // As the worker's: every attempt in flight listens for shutdown.
  setMaxListeners(0, shutdown.signal);
  const request = { instance, operation: 'deliver', input: {}, messageId: 'msg_micro', attempt: 1, agency: AGENCY, services, signal: shutdown.signal };
  for (let run = 0; run < runs; run++) {
    for (let n = 0; n < 20_000; n++) await runOperation(request);
    const before = process.cpuUsage();
    const count = 100_000;
    // 32 at a time, as the worker's attempts.
    for (let n = 0; n < count; n += 32) await Promise.all(Array.from({ length: 32 }, () => runOperation(request)));
    const used = process.cpuUsage(before);
    note('runOperation, 32 at a time', ((used.user + used.system) * 1000) / count);
  }
  // One webhook POST through the direct path to a bare server in this process (whose CPU is counted too, alike
  // for every version compared), 32 at a time.
  const server = createServer((incoming, answer) => {
    incoming.resume();
    incoming.once('end', () => answer.writeHead(204).end());
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`;
  const direct = directClientOf(createHttpClient({ timeoutMs: 30_000, maxSockets: 32 }));
  if (!direct) throw new Error('no direct path');
  const call = { method: 'POST' as const, url, headers: { 'content-type': 'application/json' }, body: SMS_BODY, signal: shutdown.signal, accept: (status: number) => status === 204 };
  for (let run = 0; run < runs; run++) {
    for (let n = 0; n < 2_000; n += 32) await Promise.all(Array.from({ length: 32 }, () => direct.call(call)));
    const before = process.cpuUsage();
    const count = 20_000;
    for (let n = 0; n < count; n += 32) await Promise.all(Array.from({ length: 32 }, () => direct.call(call)));
    const used = process.cpuUsage(before);
    note('webhook POST, direct path and server, 32 at a time', ((used.user + used.system) * 1000) / count);
  }
  server.closeAllConnections();
  server.close();

  for (const [name, values] of Object.entries(results)) console.log(`micro ${name} median: ${median(values).toFixed(0)} ns CPU each (${values.map((value) => value.toFixed(0)).join(', ')})`);
}

const [part, first, second] = process.argv.slice(2);
if (part === 'delivery') await delivery(Number(first ?? 3), Number(second ?? 5000));
else if (part === 'micro') await micro(Number(first ?? 5));
else if (part === 'accept') await accept(Number(first ?? 3), Number(second ?? 5));
else throw new Error('usage: bench/hot-path.ts delivery [runs] [jobs] | accept [runs] [seconds] | micro [runs]');
