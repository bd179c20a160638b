/**
 * The whole gateway as a cluster: three `lienthong serve` processes (real child processes, one config file) on one
 * fresh PostgreSQL database, with three standalone simulators (`lienthong simulate`, child processes): Viettel SMS
 * and the national portal failing 20% of calls transiently, and VietinBank, whose pending payments the
 * reconciliation task looks up every second. Messages are sent round-robin over the three (SMS, and dossiers whose
 * add and progress steps share an ordering key); mid-run one process is killed (SIGKILL) and another frozen
 * (SIGSTOP) for longer than its leases (timeout + 10 s), then thawed. Then: every acknowledged message ends
 * succeeded or dead; no SMS was attempted by two processes at once; each dossier's steps reached the portal in order;
 * the reconciliation task never ran in two processes at once; `lienthong audit verify` passes.
 *
 * The simulators cannot record overlaps themselves: an in-process proxy in front of each (recording-proxy.ts) does.
 * A run of the reconciliation task looks its payments up one after the other, and a process never overlaps its own
 * runs, so two look-ups in progress at the bank at once would mean two processes running the task at once.
 *
 * Needs LIENTHONG_TEST_DATABASE_URL (.ci/run sets it); skipped visibly without it.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulatorClient } from '../core/sdk/testing.ts';
import { POSTGRES_SKIP, createTestDatabase } from '../core/store/contract/postgres-kind.test-helper.ts';
import { PostgresStore } from '../core/store/postgres/postgres-store.ts';
import { TEST_AUDIT_KEY, TEST_AUDIT_KEY_TEXT } from '../core/testing/test-audit-key.ts';
import { type RecordingProxy, startRecordingProxy } from './support/recording-proxy.ts';
import { type CliChild, type ChildEnv, LISTENING_JSON, killChildren, runCli, spawnCli, startSimulateCommand } from './support/run-cli.ts';
import { runCliInProcess } from './support/run-cli-in-process.ts';

const serverUrl = process.env.LIENTHONG_TEST_DATABASE_URL;
const AGENCY = '000.00.01.H22';
/**
 * Messages sent in all (SMS plus dossier messages). The issue asks for 20,000: LIENTHONG_CLUSTER_MESSAGES=20000 runs
 * them: on 2026-12-07 on the shared 2-core VM (load average 6 to 8 from other work), two runs took 77 s and 113 s
 * until every message had ended, 87 s and 126 s for the file: at the edge of CI's 2 minutes for it. 12,000 took
 * 45 s to 91 s (five runs), leaving CI a margin on a loaded machine.
 */
const MESSAGES = Number(process.env.LIENTHONG_CLUSTER_MESSAGES ?? 12_000);
/** Dossiers (ordering keys), each an add then STEPS progress steps, all in MESSAGES. */
const DOSSIERS = Math.min(200, Math.floor(MESSAGES / 20));
const STEPS = 9;
/** Requests in flight at once, over the three processes (one address may hold at most 256 connections). */
const LANES = 48;
/** Payments left pending at the bank, looked up by every run of the reconciliation task. */
const PAYMENTS = 20;
/** Each SMS and portal attempt's timeout; a lease is this plus serve's margin of 10 s. */
const TIMEOUT_MS = 5_000;
/** Longer than a lease, so that the others take the frozen process's messages over. */
const FROZEN_MS = TIMEOUT_MS + 10_000 + 3_000;

interface Gateway extends CliChild {
  url: string;
  /** How many runs of the reconciliation task this process logged. */
  taskRuns: number;
}

/** Every serve process's id, from its start: the proxies tell its calls from the others' (its health checks too). */
const pids: number[] = [];

/** `lienthong serve` at info level (the task logs its runs there), its output scanned line by line. */
async function startServe(config: string, env: ChildEnv): Promise<Gateway> {
  const started = spawnCli(['serve', '--config', config, '--port', '0', '--host', '127.0.0.1'], { LOG_LEVEL: 'info', ...env });
  if (started.child.pid) pids.push(started.child.pid);
  let rest = '';
  let stderr = '';
  started.child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise<Gateway>((resolve, reject) => {
    const gateway: Gateway = { ...started, url: '', taskRuns: 0 };
    started.child.stdout?.on('data', (chunk: Buffer) => {
      const lines = (rest + chunk.toString()).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) {
        if (line.includes('"msg":"pending payments looked up"')) gateway.taskRuns += 1;
        const listening = gateway.url ? undefined : LISTENING_JSON.exec(line);
        if (listening?.[1]) {
          gateway.url = listening[1];
          resolve(gateway);
        }
      }
    });
    started.exited.then(({ code, signal }) => {
      if (!gateway.url) reject(new Error(`serve exited (${signal ?? code}) before it listened.\nstderr:\n${stderr}`));
    });
  });
}

const codeOf = (n: number) => `${AGENCY}-261207-${String(n).padStart(4, '0')}`;

/** What the test sends: one SMS, or a dossier's add and steps, which must be sent one after the other. */
type Work = { kind: 'sms'; n: number } | { kind: 'dossier'; n: number };

function dossierMessages(n: number): Array<[string, Record<string, unknown>]> {
  const code = codeOf(n);
  return [
    [
      'portal/syncDossier',
      {
        dossier: {
          code,
          procedureCode: '1.001612',
          procedureName: 'Đăng ký thành lập hộ kinh doanh',
          applicant: { name: `Công dân ${n}`, type: 'citizen', phone: '0981234567' },
          receivedAt: '2026-12-07T02:00:00Z',
          status: 2,
        },
      },
    ],
    ...Array.from({ length: STEPS }, (_, step): [string, Record<string, unknown>] => [
      'portal/updateProgress',
      {
        dossierCode: code,
        entries: [{ handler: 'Cán bộ một cửa', handledAt: `2026-12-07T0${step}:00:00+07:00`, content: `Bước ${step + 1}`, status: step === STEPS - 1 ? 9 : 4 }],
      },
    ]),
  ];
}

/** Work in a mixed order: dossiers spread among the SMS. */
function workList(): Work[] {
  const sms = MESSAGES - DOSSIERS * (STEPS + 1);
  const work: Work[] = Array.from({ length: sms }, (_, n) => ({ kind: 'sms', n }));
  const every = Math.max(1, Math.floor(work.length / Math.max(1, DOSSIERS)));
  for (let n = DOSSIERS - 1; n >= 0; n--) work.splice(n * every, 0, { kind: 'dossier', n });
  return work;
}

// Skipped without a PostgreSQL server (LIENTHONG_TEST_DATABASE_URL unset): .ci/run sets it, so CI always runs it.
describe.skipIf(!serverUrl)('three serve processes on one PostgreSQL database, under load, one killed and one frozen', () => {
  let dir: string;
  let database: { url: string; drop(): Promise<void> };
  let smsProxy: RecordingProxy;
  let portalUrl: string;
  let smsUrl: string;
  let bankProxy: RecordingProxy;
  let clientKey: string;
  let storeEnv: ChildEnv;
  const gateways: Gateway[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lienthong-cluster-'));
    database = await createTestDatabase(serverUrl as string);
    storeEnv = { LIENTHONG_DATABASE_URL: database.url, LIENTHONG_AUDIT_KEY: TEST_AUDIT_KEY_TEXT, LIENTHONG_DB: undefined };

    const simulate = async (plugin: string) => {
      const out = join(dir, `${plugin}.json`);
      const simulator = await startSimulateCommand([plugin, '--port', '0', '--instance-out', out], { LOG_LEVEL: 'warn' });
      return { url: simulator.url, entry: await readFile(out, 'utf8') };
    };
    const [sms, portal, bank] = await Promise.all([simulate('sms-viettel'), simulate('national-portal'), simulate('payment-vietinbank')]);
    portalUrl = portal.url;
    smsUrl = sms.url;
    // Held a moment, so that a second attempt of the same message meanwhile would be seen.
    for (const url of [sms.url, portal.url]) await simulatorClient(url).control({ failRate: 0.2, failMode: 'transient', latencyMs: 10 });
    await simulatorClient(bank.url).control({ latencyMs: 20 });
    const callers = () => pids;
    smsProxy = await startRecordingProxy(sms.url, (_path, body) => /lt-sms-(\d+)/.exec(body)?.[1], callers);
    bankProxy = await startRecordingProxy(bank.url, (path) => (path.includes('inquiry') ? 'inquiry' : undefined), callers);

    const delivery = { timeoutMs: TIMEOUT_MS, baseDelayMs: 50, maxDelayMs: 500, maxAttempts: 30, concurrency: 32, breakerThreshold: 100_000 };
    const config = join(dir, 'gateway.json');
    await writeFile(
      config,
      JSON.stringify({
        agencies: [{ code: AGENCY }],
        instances: [
          { id: 'sms-cluster', ...JSON.parse(sms.entry.replaceAll(sms.url, smsProxy.url)), delivery },
          { id: 'portal-cluster', ...JSON.parse(portal.entry), delivery },
          {
            id: 'bank-cluster',
            ...(() => {
              const entry = JSON.parse(bank.entry.replaceAll(bank.url, bankProxy.url)) as { config: Record<string, unknown> };
              return { ...entry, config: { ...entry.config, pendingCheckAfterMs: 0, reconcileEveryMs: 1_000 } };
            })(),
          },
        ],
        limits: { requestsPerSecondPerKey: 0 },
      }),
    );

    await (await PostgresStore.open({ url: database.url, auditKey: TEST_AUDIT_KEY })).close();
    const created = await runCliInProcess(['keys', 'create', '--role', 'client', '--agencies', AGENCY, '--json'], storeEnv);
    expect(created.code, created.stderr).toBe(0);
    clientKey = (JSON.parse(created.stdout) as { key: string }).key;
    gateways.push(...(await Promise.all([0, 1, 2].map(() => startServe(config, storeEnv)))));
  }, 120_000);

  afterAll(async () => {
    for (const gateway of gateways) gateway.child.kill('SIGCONT');
    await killChildren();
    await smsProxy?.close();
    await bankProxy?.close();
    await database?.drop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const post = async (gateway: Gateway, path: string, body: Record<string, unknown>): Promise<Response> =>
    fetch(`${gateway.url}/v1/${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${clientKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ agency: AGENCY, ...body }),
    });

  it('ends every acknowledged message, attempts none twice at once, keeps each dossier in order, runs reconciliation alone, and verifies', async () => {
    const began = Date.now();
    const [killed, frozen, survivor] = gateways as [Gateway, Gateway, Gateway];
    for (let n = 0; n < PAYMENTS; n++) {
      const created = await post(gateways[n % 3] as Gateway, 'payment/create', { dossierCode: codeOf(9000 + n), amount: 150000 + n, description: 'Lệ phí hồ sơ' });
      expect(created.status, await created.clone().text()).toBe(200);
    }

    const acknowledged: string[] = [];
    let turn = 0;
    const accept = async (targets: Gateway[], path: string, body: Record<string, unknown>) => {
      const answer = await post(targets[turn++ % targets.length] as Gateway, path, body);
      expect(answer.status, path).toBe(202);
      acknowledged.push(((await answer.json()) as { id: string }).id);
    };
    const sendAll = async (work: Work[], targets: Gateway[]) => {
      let next = 0;
      const lane = async () => {
        for (let item = work[next++]; item; item = work[next++]) {
          if (item.kind === 'sms') await accept(targets, 'sms/send', { to: '0981234567', text: `Ho so lt-sms-${item.n} da co ket qua`, reference: `HS-${item.n}` });
          // A dossier's messages one after the other: their order of acceptance is the order they must reach the portal.
          else for (const [path, body] of dossierMessages(item.n)) await accept(targets, path, body);
        }
      };
      await Promise.all(Array.from({ length: LANES }, lane));
    };

    let smsOverlaps: unknown[] = [];
    let bank: Awaited<ReturnType<RecordingProxy['settle']>> = { overlaps: [], ownRepeats: [] };
    const work = workList();
    const third = Math.floor(work.length / 3);
    const burst = third + 300;
    await sendAll(work.slice(0, third), gateways);
    // Slow answers for a moment, so that the process killed and the one frozen surely hold SMS mid-attempt.
    const smsControl = simulatorClient(smsUrl);
    await smsControl.control({ latencyMs: 1_000 });
    await sendAll(work.slice(third, burst), gateways);
    while (smsProxy.inProgressOf(killed.child.pid as number) === 0 || smsProxy.inProgressOf(frozen.child.pid as number) === 0) {
      await new Promise((done) => setTimeout(done, 20));
    }
    killed.child.kill('SIGKILL');
    frozen.child.kill('SIGSTOP');
    const thawed = new Promise((done) => setTimeout(done, FROZEN_MS)).then(() => frozen.child.kill('SIGCONT'));
    await smsControl.control({ latencyMs: 10 });
    await sendAll(work.slice(burst), [survivor]);
    const sentAt = Date.now();
    await thawed;

    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      const open = async () => Number((await client.query<{ n: string }>("SELECT count(*) AS n FROM messages WHERE status IN ('queued', 'processing')")).rows[0]?.n);
      for (let left = await open(); left > 0; left = await open()) await new Promise((done) => setTimeout(done, 250));
      const ended = await client.query<{ status: string; n: string }>('SELECT status, count(*) AS n FROM messages WHERE id = ANY($1::text[]) GROUP BY status', [acknowledged]);
      const byStatus = Object.fromEntries(ended.rows.map((row) => [row.status, Number(row.n)]));
      expect(acknowledged.length).toBe(MESSAGES);
      expect(Object.keys(byStatus).filter((status) => status !== 'succeeded' && status !== 'dead')).toEqual([]);
      expect((byStatus.succeeded ?? 0) + (byStatus.dead ?? 0)).toBe(MESSAGES);
      // Messages the stopped processes had leased were taken over: an attempt started and never recorded.
      const takenOver = await client.query<{ n: string }>('SELECT count(*) AS n FROM messages m WHERE total_attempts > (SELECT count(*) FROM attempts a WHERE a.message_id = m.id)');
      const sms = await smsProxy.settle();
      bank = await bankProxy.settle();
      smsOverlaps = sms.overlaps;
      // The figures of the run, for the record (the overlaps are asserted below).
      const report = {
        messages: MESSAGES,
        sendSeconds: (sentAt - began) / 1000,
        endSeconds: (Date.now() - began) / 1000,
        ...byStatus,
        takenOver: Number(takenOver.rows[0]?.n),
        smsCalls: smsProxy.calls.length,
        smsCallersUnknown: smsProxy.calls.filter((call) => call.caller === undefined).length,
        smsAbandoned: smsProxy.abandoned() + smsProxy.calls.filter((call) => call.abandoned).length,
        smsOverlaps: sms.overlaps.length,
        smsOwnRepeats: sms.ownRepeats.length,
        lookups: bankProxy.calls.length,
        lookupsAtOnce: bankProxy.maxInProgress(),
        lookupsByProcess: gateways.map((gateway) => bankProxy.calls.filter((call) => call.caller === gateway.child.pid).length),
        taskRunsLogged: gateways.map((gateway) => gateway.taskRuns),
      };
      console.log(`cluster run: ${JSON.stringify(report)}`);
      expect(report.takenOver).toBeGreaterThan(0);
    } finally {
      await client.end();
    }

    expect(smsOverlaps).toEqual([]);

    // First deliveries in order: each dossier's steps as the portal first took them.
    const received = await simulatorClient(portalUrl).received<{ MaHoSo?: string; progress?: Array<{ NoiDungXuLy?: string; content?: string }> }>();
    const histories = new Map(received.filter((entry) => entry.MaHoSo && entry.progress).map((entry) => [entry.MaHoSo as string, entry.progress ?? []]));
    const wanted = Array.from({ length: STEPS }, (_, step) => `Bước ${step + 1}`);
    for (let n = 0; n < DOSSIERS; n++) {
      const texts = (histories.get(codeOf(n)) ?? []).map((item) => JSON.stringify(item));
      // Where each step first reached the portal: every one did, and in the order they were sent.
      const firstAt = wanted.map((step) => texts.findIndex((text) => text.includes(`"${step}"`)));
      expect(firstAt.filter((at) => at < 0), codeOf(n)).toEqual([]);
      expect(firstAt, codeOf(n)).toEqual([...firstAt].sort((a, b) => a - b));
    }

    // The reconciliation task ran, and never in two processes at once.
    expect(bankProxy.calls.length).toBeGreaterThan(0);
    expect(bankProxy.maxInProgress()).toBe(1);
    expect(bank.overlaps).toEqual([]);

    const verified = await runCli(['audit', 'verify'], storeEnv, 120_000);
    expect(verified.stderr).toContain('store: postgres://');
    expect(verified.code, verified.stdout + verified.stderr).toBe(0);
  }, 600_000);
});

// Without a PostgreSQL server to test against (LIENTHONG_TEST_DATABASE_URL unset), one skipped case says how to run these.
if (!serverUrl) {
  describe('three serve processes on one PostgreSQL database, under load, one killed and one frozen', () => {
    // No PostgreSQL server here: this case names the variable that runs the suite above (.ci/run sets it).
    it.skip(POSTGRES_SKIP, () => undefined);
  });
}
