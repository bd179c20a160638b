/**
 * The portal figure: progress entries delivered per second through the gateway to the national-portal
 * simulator, with progress batching on and off, in one run.
 *
 * The simulator runs in a child of its own for the whole bench (bench/portal-simulator-server.ts), answering after
 * `latencyMs` like a remote portal: the round trip is what batching saves. For each setting, on a fresh SQLite
 * file, three sandbox children with the national-portal plugin alone (bench/portal-sandbox-main.ts) run one
 * after the other:
 * 1. adds `dossiers` dossiers and waits until they are delivered;
 * 2. with delivery held back, accepts `steps` progress entries per dossier (each dossier's in order);
 * 3. delivers them: the clock runs from its ready line until the gateway reports every entry delivered, so the
 *    figure is delivery alone, not the accept path.
 * The simulator must then hold each dossier's entries exactly once and in order, or the bench fails.
 *
 * BENCH_PORTAL_DOSSIERS (300), BENCH_PORTAL_STEPS (4), BENCH_PORTAL_CONCURRENCY (32: delivery concurrency, and
 * POSTs in flight), BENCH_PORTAL_LATENCY_MS (20), BENCH_PORTAL_BATCH_SIZE (20: the "on" setting).
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import * as v from 'valibot';
import { type ChildServer, explained, startChild } from './children.ts';

const INSTANCE = 'national-portal';
const AGENCY = '000.00.01.H22';
const RUN_TIMEOUT_MS = 120_000;
const POLL_MS = 20;
/** What bench/accept.ts uses to hold delivery back while accepting. */
const HELD = { ratePerSecond: 0.001 };

export interface PortalSettings {
  dossiers: number;
  steps: number;
  concurrency: number;
  latencyMs: number;
  batchSize: number;
}

export interface PortalRun {
  batchSize: number;
  /** Entries delivered while the clock ran. */
  entries: number;
  /** CapNhatTienDoHoSoMC calls the portal answered meanwhile. */
  calls: number;
  seconds: number;
  perSecond: number;
}

export interface PortalBench {
  settings: PortalSettings;
  batched: PortalRun;
  unbatched: PortalRun;
  /** Batched over unbatched. */
  speedup: number;
  text: string;
}

function whole(name: string, fallback: number, min: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be a whole number of at least ${min}, not '${raw}'`);
  return value;
}

export function readPortalSettings(): PortalSettings {
  return {
    dossiers: whole('BENCH_PORTAL_DOSSIERS', 300, 1),
    steps: whole('BENCH_PORTAL_STEPS', 4, 1),
    concurrency: whole('BENCH_PORTAL_CONCURRENCY', 32, 1),
    latencyMs: whole('BENCH_PORTAL_LATENCY_MS', 20, 0),
    batchSize: whole('BENCH_PORTAL_BATCH_SIZE', 20, 2),
  };
}

const simulatorReady = v.object({ url: v.string() });
const sandboxReady = v.object({ url: v.string(), keys: v.object({ client: v.string(), operator: v.string() }) });
type Ready = v.InferOutput<typeof sandboxReady>;
const queueShape = v.object({ queued: v.number(), processing: v.number(), dead: v.number(), succeeded: v.number() });
type Queue = v.InferOutput<typeof queueShape>;
const instancesShape = v.object({ instances: v.array(v.object({ id: v.string(), queue: queueShape })) });
const historyShape = v.object({ MaHoSo: v.string(), progress: v.array(v.object({ NoiDungXuLy: v.string() })) });
const refusalShape = v.object({ rejected: v.string() });
const statsShape = v.object({ calls: v.record(v.string(), v.number()) });

async function progressCalls(simulatorUrl: string): Promise<number> {
  const response = await fetch(`${simulatorUrl}/__stats`);
  if (!response.ok) throw new Error(`GET /__stats answered ${response.status}`);
  return v.parse(statsShape, await response.json()).calls.CapNhatTienDoHoSoMC ?? 0;
}

export async function benchPortal(dir: string, step: (s: string) => void, settings: PortalSettings = readPortalSettings()): Promise<PortalBench> {
  const account = { username: `bench_${randomBytes(3).toString('hex')}`, password: randomBytes(18).toString('base64url'), dstcode: AGENCY };
  step('portal: starting the national-portal simulator child');
  const simulator = await startChild('bench/portal-simulator-server.ts', { BENCH_PORTAL_ACCOUNT: JSON.stringify(account) });
  try {
    const url = v.parse(simulatorReady, simulator.ready).url;
    const env = { BENCH_PORTAL_URL: url, BENCH_PORTAL_ACCOUNT: JSON.stringify(account), LIENTHONG_TEST_WORKER: JSON.stringify({ pollIntervalMs: 20 }) };
    const control = await fetch(`${url}/__control`, { method: 'POST', body: JSON.stringify({ latencyMs: settings.latencyMs, failRate: 0 }) });
    if (!control.ok) throw new Error(`POST /__control answered ${control.status}`);
    const batched = await explained(simulator, () => measure(dir, url, env, settings, settings.batchSize, step));
    const unbatched = await explained(simulator, () => measure(dir, url, env, settings, 1, step));
    const speedup = batched.perSecond / unbatched.perSecond;
    return { settings, batched, unbatched, speedup, text: formatPortal(settings, batched, unbatched, speedup) };
  } finally {
    await simulator.stop();
  }
}

/** One setting: the three phases, each in a sandbox child of its own on the same database. */
async function measure(dir: string, simulatorUrl: string, env: Record<string, string>, settings: PortalSettings, batchSize: number, step: (s: string) => void): Promise<PortalRun> {
  const label = batchSize > 1 ? `batching on (${batchSize})` : 'batching off';
  const database = { ...env, LIENTHONG_DB: join(dir, `portal-${batchSize}.db`), BENCH_PORTAL_BATCH_SIZE: String(batchSize) };
  const delivering = { ...database, LIENTHONG_TEST_DELIVERY: JSON.stringify({ concurrency: settings.concurrency, baseDelayMs: 100, maxDelayMs: 1000 }) };
  const codes = Array.from({ length: settings.dossiers }, (_, n) => `${AGENCY}-${batchSize}-${String(n).padStart(6, '0')}`);
  const entries = settings.dossiers * settings.steps;
  await clearReceived(simulatorUrl);

  step(`portal (${label}): adding ${settings.dossiers} dossiers`);
  await inSandbox(delivering, async (ready) => {
    await pool(codes, settings.concurrency, (code) =>
      post(ready, 'syncDossier', {
        dossier: { code, procedureCode: '1.001612', applicant: { name: 'Nguyen Van A', type: 'citizen' }, receivedAt: '2025-01-01T08:00:00+07:00', status: 2 },
      }),
    );
    await deliveredAll(ready);
  });

  step(`portal (${label}): accepting ${entries} progress entries (${settings.steps} per dossier) with delivery held back`);
  await inSandbox({ ...database, LIENTHONG_TEST_DELIVERY: JSON.stringify(HELD) }, async (ready) => {
    for (let n = 1; n <= settings.steps; n++) {
      const entry = { handler: 'Can bo mot cua', handledAt: `2025-01-02T${String(n % 24).padStart(2, '0')}:00:00+07:00`, content: `Buoc ${n}`, status: 4 };
      await pool(codes, settings.concurrency, (dossierCode) => post(ready, 'updateProgress', { dossierCode, entries: [entry] }));
    }
  });

  step(`portal (${label}): delivering them, concurrency ${settings.concurrency}, portal latency ${settings.latencyMs} ms`);
  const run = await inSandbox(delivering, async (ready) => {
    const callsBefore = await progressCalls(simulatorUrl);
    const started = performance.now();
    const before = await portalQueue(ready);
    const after = await deliveredAll(ready);
    const seconds = (performance.now() - started) / 1000;
    const delivered = after.succeeded - before.succeeded;
    const calls = (await progressCalls(simulatorUrl)) - callsBefore;
    return { batchSize, entries: delivered, calls, seconds, perSecond: delivered / seconds };
  });
  await checkHistories(simulatorUrl, codes, settings.steps);
  return run;
}

async function inSandbox<T>(env: Record<string, string>, work: (ready: Ready) => Promise<T>): Promise<T> {
  let child: ChildServer | undefined;
  try {
    child = await startChild('bench/portal-sandbox-main.ts', env);
    const ready = v.parse(sandboxReady, child.ready);
    const server = child;
    return await explained(server, () => work(ready));
  } finally {
    await child?.stop();
  }
}

async function post(ready: Ready, operation: string, body: Record<string, unknown>): Promise<void> {
  const answer = await fetch(`${ready.url}/v1/portal/${operation}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ready.keys.client}`, 'content-type': 'application/json' },
    body: JSON.stringify({ agency: AGENCY, ...body }),
  });
  if (answer.status !== 202) throw new Error(`POST /v1/portal/${operation} answered ${answer.status}: ${(await answer.text()).slice(0, 300)}`);
}

async function portalQueue(ready: Ready): Promise<Queue> {
  const response = await fetch(`${ready.url}/admin/v1/instances`, { headers: { authorization: `Bearer ${ready.keys.operator}` } });
  if (!response.ok) throw new Error(`GET /admin/v1/instances answered ${response.status}`);
  const queue = v.parse(instancesShape, await response.json()).instances.find((instance) => instance.id === INSTANCE)?.queue;
  if (!queue) throw new Error(`the gateway has no instance ${INSTANCE}`);
  return queue;
}

/** Waits until the instance has nothing waiting; fails on a dead message or a stall. */
async function deliveredAll(ready: Ready): Promise<Queue> {
  const started = performance.now();
  for (;;) {
    const queue = await portalQueue(ready);
    if (queue.dead > 0) throw new Error(`portal: ${queue.dead} message(s) went dead: ${JSON.stringify(queue)}`);
    if (queue.queued + queue.processing === 0) return queue;
    if (performance.now() - started > RUN_TIMEOUT_MS) throw new Error(`portal: stalled after ${RUN_TIMEOUT_MS} ms: ${JSON.stringify(queue)}`);
    await sleep(POLL_MS);
  }
}

async function clearReceived(simulatorUrl: string): Promise<void> {
  const response = await fetch(`${simulatorUrl}/__received`, { method: 'DELETE' });
  if (!response.ok) throw new Error(`DELETE /__received answered ${response.status}`);
}

async function checkHistories(simulatorUrl: string, codes: string[], steps: number): Promise<void> {
  const listed = (await (await fetch(`${simulatorUrl}/__received`)).json()) as unknown[];
  const refused = listed.filter((entry) => v.is(refusalShape, entry));
  if (refused.length > 0) throw new Error(`portal: the simulator refused ${refused.length} request(s), e.g. ${JSON.stringify(refused[0])}`);
  const byCode = new Map(listed.filter((entry) => v.is(historyShape, entry)).map((history) => [history.MaHoSo, history.progress.map((item) => item.NoiDungXuLy).join('|')]));
  const expected = Array.from({ length: steps }, (_, n) => `Buoc ${n + 1}`).join('|');
  const wrong = codes.filter((code) => byCode.get(code) !== expected);
  if (wrong.length > 0) throw new Error(`portal: ${wrong.length} dossier(s) do not hold their entries once each and in order, e.g. ${wrong[0]}: ${byCode.get(wrong[0] ?? '')}`);
}

/** Runs `task` over `items` with at most `concurrency` at once; the first failure is thrown. */
async function pool<T>(items: readonly T[], concurrency: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await task(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, lane));
}

function formatPortal(settings: PortalSettings, batched: PortalRun, unbatched: PortalRun, speedup: number): string {
  const line = (name: string, result: PortalRun) =>
    `  ${name.padEnd(20)} ${result.perSecond.toFixed(0).padStart(7)} entries/s   (${result.entries} delivered in ${result.seconds.toFixed(2)} s, ` +
    `${result.calls} portal calls, ${(result.entries / Math.max(result.calls, 1)).toFixed(1)} entries per call)`;
  return [
    `Portal progress delivery: ${settings.dossiers} dossiers x ${settings.steps} entries, delivery concurrency ${settings.concurrency}, portal latency ${settings.latencyMs} ms`,
    line(`batching on (${settings.batchSize})`, batched),
    line('batching off', unbatched),
    `  speed-up ${speedup.toFixed(2)}x`,
  ].join('\n');
}
