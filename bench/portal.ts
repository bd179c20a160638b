/**
 * The portal figure: progress entries delivered per second through the gateway to the national-portal
 * simulator, with progress batching on and off, in one run.
 *
 * The simulator runs in a child of its own for the whole bench (bench/simulator-server.ts), answering after
 * `latencyMs` like a remote portal: the round trip is what batching saves. For each setting, on a fresh SQLite
 * file, three sandbox children with the national-portal plugin alone, pointed at that simulator
 * (LIENTHONG_TEST_PLUGINS, LIENTHONG_TEST_EXTERNAL_SIMULATORS), run one after the other:
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
import * as v from 'valibot';
import { Secret } from '../core/sdk/secret.ts';
import { AUTH_PATH, INTEGRATION_PATH } from '../plugins/national-portal/simulator/server.ts';
import { AGENCY, HOLD_BACK_ENV } from './accept.ts';
import { type ChildServer, explained } from './children.ts';
import { watchCpu } from './cpu.ts';
import { wholeFromEnv } from './env.ts';
import { instanceQueue, waitUntilDelivered } from './gateway-queues.ts';
import { pool } from './pool.ts';
import { watchProcesses } from './proc-cpu.ts';
import { type SandboxReady, externalSimulatorsEnv, startSandboxChild, startSimulatorChild } from './sandbox-child.ts';
import { expectOk, simulatorClient } from './simulator-control.ts';

const INSTANCE = 'national-portal';
const RUN_TIMEOUT_MS = 120_000;

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
  /** % of one core while the clock ran: the sandbox child, the simulator child. */
  cpu: { gateway: number | null; simulator: number | null };
  /** % of one core used meanwhile by anything but the bench and its two children; null without /proc. */
  outsidePercent: number | null;
}

export interface PortalBench {
  settings: PortalSettings;
  batched: PortalRun;
  unbatched: PortalRun;
  /** Batched over unbatched. */
  speedup: number;
}

export function readPortalSettings(): PortalSettings {
  return {
    dossiers: wholeFromEnv('BENCH_PORTAL_DOSSIERS', 300),
    steps: wholeFromEnv('BENCH_PORTAL_STEPS', 4),
    concurrency: wholeFromEnv('BENCH_PORTAL_CONCURRENCY', 32),
    latencyMs: wholeFromEnv('BENCH_PORTAL_LATENCY_MS', 20, 0),
    batchSize: wholeFromEnv('BENCH_PORTAL_BATCH_SIZE', 20, 2),
  };
}

const historyShape = v.object({ MaHoSo: v.string(), progress: v.array(v.object({ NoiDungXuLy: v.string() })) });
const refusalShape = v.object({ rejected: v.string() });
const statsShape = v.object({ calls: v.record(v.string(), v.number()) });

async function progressCalls(simulatorUrl: string): Promise<number> {
  const response = await expectOk(fetch(`${simulatorUrl}/__stats`), 'GET /__stats');
  return v.parse(statsShape, await response.json()).calls.CapNhatTienDoHoSoMC ?? 0;
}

export async function benchPortal(dir: string, step: (s: string) => void, settings: PortalSettings = readPortalSettings()): Promise<PortalBench> {
  const account = { username: `bench_${randomBytes(3).toString('hex')}`, password: randomBytes(18).toString('base64url'), dstcode: AGENCY };
  step('portal: starting the national-portal simulator child');
  const simulator = await startSimulatorChild('national-portal', account);
  try {
    const { url } = simulator.ready;
    const portalConfig = (batchSize: number) => ({
      LIENTHONG_TEST_PLUGINS: INSTANCE,
      LIENTHONG_TEST_WORKER: JSON.stringify({ pollIntervalMs: 20 }),
      ...externalSimulatorsEnv({
        [INSTANCE]: {
          url,
          config: {
            adapterUrl: url,
            authPath: AUTH_PATH,
            integrationPath: INTEGRATION_PATH,
            username: account.username,
            password: new Secret(account.password),
            dstcode: account.dstcode,
            progressBatchSize: batchSize,
          },
        },
      }),
    });
    await simulatorClient(url).control({ latencyMs: settings.latencyMs, failRate: 0 });
    const batched = await explained(simulator, () => measure(dir, simulator, portalConfig(settings.batchSize), settings, settings.batchSize, step));
    const unbatched = await explained(simulator, () => measure(dir, simulator, portalConfig(1), settings, 1, step));
    return { settings, batched, unbatched, speedup: batched.perSecond / unbatched.perSecond };
  } finally {
    await simulator.stop();
  }
}

/** One setting: the three phases, each in a sandbox child of its own on the same database. */
async function measure(
  dir: string,
  simulator: ChildServer<{ url: string }>,
  env: Record<string, string>,
  settings: PortalSettings,
  batchSize: number,
  step: (s: string) => void,
): Promise<PortalRun> {
  const simulatorUrl = simulator.ready.url;
  const label = batchSize > 1 ? `batching on (${batchSize})` : 'batching off';
  const database = { ...env, LIENTHONG_DB: join(dir, `portal-${batchSize}.db`) };
  const delivering = { ...database, LIENTHONG_TEST_DELIVERY: JSON.stringify({ concurrency: settings.concurrency, baseDelayMs: 100, maxDelayMs: 1000 }) };
  const codes = Array.from({ length: settings.dossiers }, (_, n) => `${AGENCY}-${batchSize}-${String(n).padStart(6, '0')}`);
  const entries = settings.dossiers * settings.steps;
  await simulatorClient(simulatorUrl).clearReceived();

  step(`portal (${label}): adding ${settings.dossiers} dossiers`);
  await inSandbox(delivering, async ({ ready }) => {
    await pool(codes.length, settings.concurrency, (n) =>
      post(ready, 'syncDossier', {
        dossier: { code: codes[n], procedureCode: '1.001612', applicant: { name: 'Nguyen Van A', type: 'citizen' }, receivedAt: '2025-01-01T08:00:00+07:00', status: 2 },
      }),
    );
    await waitUntilDelivered(ready, INSTANCE, { startedAt: performance.now(), timeoutMs: RUN_TIMEOUT_MS });
  });

  step(`portal (${label}): accepting ${entries} progress entries (${settings.steps} per dossier) with delivery held back`);
  await inSandbox({ ...database, ...HOLD_BACK_ENV }, async ({ ready }) => {
    for (let n = 1; n <= settings.steps; n++) {
      const entry = { handler: 'Can bo mot cua', handledAt: `2025-01-02T${String(n % 24).padStart(2, '0')}:00:00+07:00`, content: `Buoc ${n}`, status: 4 };
      await pool(codes.length, settings.concurrency, (dossier) => post(ready, 'updateProgress', { dossierCode: codes[dossier], entries: [entry] }));
    }
  });

  step(`portal (${label}): delivering them, concurrency ${settings.concurrency}, portal latency ${settings.latencyMs} ms`);
  const run = await inSandbox(delivering, async ({ ready, child }) => {
    const cpu = watchProcesses({ gateway: child.pid, simulator: simulator.child.pid });
    const machine = watchCpu(child.pid, [simulator.child.pid]);
    const callsBefore = await progressCalls(simulatorUrl);
    const started = performance.now();
    const before = await instanceQueue(ready, INSTANCE);
    const after = await waitUntilDelivered(ready, INSTANCE, { startedAt: started, timeoutMs: RUN_TIMEOUT_MS });
    const seconds = (performance.now() - started) / 1000;
    const used = cpu.stop();
    const outsidePercent = machine.stop()?.outsidePercent ?? null;
    const delivered = after.succeeded - before.succeeded;
    const calls = (await progressCalls(simulatorUrl)) - callsBefore;
    return { batchSize, entries: delivered, calls, seconds, perSecond: delivered / seconds, cpu: used.children, outsidePercent };
  });
  await checkHistories(simulatorUrl, codes, settings.steps);
  return run;
}

async function inSandbox<T>(env: Record<string, string> & { LIENTHONG_DB: string }, work: (sandbox: ChildServer<SandboxReady>) => Promise<T>): Promise<T> {
  let sandbox: ChildServer<SandboxReady> | undefined;
  try {
    sandbox = await startSandboxChild(env);
    const started = sandbox;
    return await explained(started, () => work(started));
  } finally {
    await sandbox?.stop();
  }
}

async function post(ready: SandboxReady, operation: string, body: Record<string, unknown>): Promise<void> {
  const answer = await fetch(`${ready.url}/v1/portal/${operation}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ready.keys.client}`, 'content-type': 'application/json' },
    body: JSON.stringify({ agency: AGENCY, ...body }),
  });
  if (answer.status !== 202) throw new Error(`POST /v1/portal/${operation} answered ${answer.status}: ${(await answer.text()).slice(0, 300)}`);
}

async function checkHistories(simulatorUrl: string, codes: string[], steps: number): Promise<void> {
  const listed = v.parse(v.array(v.unknown()), await simulatorClient(simulatorUrl).received());
  const refused = listed.filter((entry) => v.is(refusalShape, entry));
  if (refused.length > 0) throw new Error(`portal: the simulator refused ${refused.length} request(s), e.g. ${JSON.stringify(refused[0])}`);
  const byCode = new Map(listed.filter((entry) => v.is(historyShape, entry)).map((history) => [history.MaHoSo, history.progress.map((item) => item.NoiDungXuLy).join('|')]));
  const expected = Array.from({ length: steps }, (_, n) => `Buoc ${n + 1}`).join('|');
  const wrong = codes.filter((code) => byCode.get(code) !== expected);
  if (wrong.length > 0) throw new Error(`portal: ${wrong.length} dossier(s) do not hold their entries once each and in order, e.g. ${wrong[0]}: ${byCode.get(wrong[0] ?? '')}`);
}
