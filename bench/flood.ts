/**
 * The connection flood: `BENCH_FLOOD_CONNECTIONS` (10,000) connections opened at once against a gateway child, first
 * with one client key, then with made-up keys, each from an address of its own (127.0.0.2, 127.0.0.3; Linux routes
 * all of 127.0.0.0/8 to the loopback), by flooding child processes (bench/flood-client.ts) that open a connection
 * again whenever the gateway closes one. Meanwhile another client key sends `POST /v1/sms/send` from 127.0.0.1
 * (bench/flood-victim.ts). Figures per phase: that key's p50/p99, the gateway's RSS (start, peak, end) and CPU.
 * No thresholds: the target (p99 under 1 s during the flood) is printed beside the figure.
 *
 * The gateway child is the sandbox (echo SMS only) as deployed: its default limits, no per-key rate limit. The
 * flooding processes need a descriptor per connection: each is given BENCH_FLOOD_SOCKETS_PER_PROCESS (2500) and its
 * soft open-file limit is raised to fit (bench/children.ts, `openFiles`); where the hard limit is lower a flooder
 * opens what it may, and the report says how many were asked and how many opened.
 *
 * BENCH_FLOOD_CONNECTIONS (10000), BENCH_FLOOD_SOCKETS_PER_PROCESS (2500), BENCH_FLOOD_RECONNECT_MS (1000),
 * BENCH_FLOOD_VICTIM_RATE (20 per second on each client), BENCH_FLOOD_BEFORE_SECONDS (5), BENCH_FLOOD_SECONDS (15),
 * BENCH_FLOOD_AFTER_SECONDS (10).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as v from 'valibot';
import { AGENCY } from './accept.ts';
import { type ChildServer, explained, startChild } from './children.ts';
import { wholeFromEnv } from './env.ts';
import type { FloodClientStats } from './flood-client.ts';
import { type LatencySummary, type VictimRequest, startVictim, summarizeLatency } from './flood-victim.ts';
import { type CpuShares, watchCpu } from './cpu.ts';
import { type SandboxReady, startSandboxChild } from './sandbox-child.ts';

export const FLOOD_TARGET_P99_MS = 1000;
const VICTIM_ADDRESS = '127.0.0.1';
const WARM_UP_SECONDS = 3;
const SMS_BODY = JSON.stringify({ agency: AGENCY, to: '0981234567', text: 'Ho so 000.00.01.H22-250101-0001 da co ket qua.' });

export interface FloodSettings {
  connections: number;
  socketsPerProcess: number;
  reconnectMs: number;
  victimRate: number;
  beforeSeconds: number;
  floodSeconds: number;
  afterSeconds: number;
}

export function readFloodSettings(): FloodSettings {
  return {
    connections: wholeFromEnv('BENCH_FLOOD_CONNECTIONS', 10_000),
    socketsPerProcess: wholeFromEnv('BENCH_FLOOD_SOCKETS_PER_PROCESS', 2500),
    reconnectMs: wholeFromEnv('BENCH_FLOOD_RECONNECT_MS', 1000, 0),
    victimRate: wholeFromEnv('BENCH_FLOOD_VICTIM_RATE', 20),
    beforeSeconds: wholeFromEnv('BENCH_FLOOD_BEFORE_SECONDS', 5),
    floodSeconds: wholeFromEnv('BENCH_FLOOD_SECONDS', 15),
    afterSeconds: wholeFromEnv('BENCH_FLOOD_AFTER_SECONDS', 10),
  };
}

export interface PhaseFigures {
  phase: string;
  seconds: number;
  pooled: LatencySummary;
  fresh: LatencySummary;
  /** The gateway's resident memory at the phase's start, its peak and its end (sampled every 250 ms); null without /proc. */
  rssMiB: { start: number; peak: number; end: number } | null;
  /**
   * % of one core over the phase (from the moment every flooding process runs): the gateway, the flooding processes,
   * and everything else on the machine but the bench (other processes, a hypervisor's steal); null without /proc.
   */
  cpuPercent: { gateway: number; flooders: number; outside: number } | null;
}

interface PhaseMark {
  phase: string;
  startedAt: number;
  endedAt: number;
  cpu: CpuShares | null;
}

export interface FloodFigures {
  /** `one key` or `unknown keys`. */
  keys: string;
  from: string;
  processes: number;
  /** Connections each flooding process opened at once (after its open-file limit), and that limit. */
  opened: Array<{ sockets: number; openFileLimit: number | null }>;
  clients: FloodClientStats;
}

export interface FloodBench {
  settings: FloodSettings;
  phases: PhaseFigures[];
  floods: FloodFigures[];
  targetP99Ms: number;
}

const floodReady = v.object({ sockets: v.number(), openFileLimit: v.nullable(v.number()) });

export async function benchFlood(dir: string, step: (what: string) => void, settings: FloodSettings): Promise<FloodBench> {
  const db = join(dir, 'flood.db');
  const auditKey = randomBytes(32).toString('base64');
  step('connection flood: starting the gateway sandbox and a second client key');
  const gateway = await startSandboxChild({ LIENTHONG_DB: db, LIENTHONG_AUDIT_KEY: auditKey, LIENTHONG_TEST_PLUGINS: 'echo-sms' });
  try {
    return await explained(gateway, async () => {
      const floodKey = await createClientKey(db, auditKey);
      const pid = gateway.child.pid;
      const rss = sampleRss(pid);
      const victim = startVictim(gateway.ready.url, gateway.ready.keys.client, SMS_BODY, settings.victimRate, VICTIM_ADDRESS);
      const marks: PhaseMark[] = [];
      const phase = async (name: string, seconds: number, start?: () => Promise<ChildServer[]>) => {
        victim.phase(name);
        const startedAt = performance.now();
        // The flood's phase starts with its first flooding process and lasts `seconds` once they all flood.
        const flooders = (await start?.()) ?? [];
        const cpu = watchCpu(pid, flooders.map((flooder) => flooder.child.pid));
        await sleep(seconds * 1000);
        marks.push({ phase: name, startedAt, endedAt: performance.now(), cpu: cpu.stop() });
        return flooders;
      };

      step(`connection flood: ${WARM_UP_SECONDS} s warm-up, then ${settings.beforeSeconds} s before any flood`);
      await sleep(WARM_UP_SECONDS * 1000);
      await phase('before', settings.beforeSeconds);
      const floods: FloodFigures[] = [];
      for (const [keys, from, token] of [
        ['one key', '127.0.0.2', floodKey],
        ['unknown keys', '127.0.0.3', ''],
      ] as const) {
        step(`connection flood: ${settings.connections} connections with ${keys} from ${from} for ${settings.floodSeconds} s, then ${settings.afterSeconds} s after`);
        const flooders = await phase(`flood, ${keys}`, settings.floodSeconds, () => startFlooders(gateway.ready, settings, from, token, dir, keys));
        const clients = await stopFlooders(flooders, dir, keys);
        floods.push({ keys, from, processes: flooders.length, opened: flooders.map((flooder) => v.parse(floodReady, flooder.ready)), clients });
        await phase(`after, ${keys}`, settings.afterSeconds);
      }
      const requests = await victim.stop();
      const samples = rss.stop();
      return { settings, phases: marks.map((mark) => phaseFigures(mark, requests, samples)), floods, targetP99Ms: FLOOD_TARGET_P99_MS };
    });
  } finally {
    await gateway.stop();
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

/** `lienthong keys create` on the gateway's store, as an operator would make a key for a second client. */
async function createClientKey(db: string, auditKey: string): Promise<string> {
  const cli = spawn(process.execPath, ['--import', 'tsx', 'app/cli.ts', 'keys', 'create', '--role', 'client', '--all-agencies', '--label', 'flood', '--json', '--db', db], {
    cwd: fileURLToPath(new URL('../', import.meta.url)),
    env: { ...process.env, LIENTHONG_AUDIT_KEY: auditKey, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  cli.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  cli.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const [code] = await once(cli, 'exit');
  if (code !== 0) throw new Error(`lienthong keys create exited ${String(code)}: ${stderr.trim()}`);
  return v.parse(v.object({ key: v.string() }), JSON.parse(stdout)).key;
}

function startFlooders(gateway: SandboxReady, settings: FloodSettings, from: string, token: string, dir: string, keys: string) {
  const processes = Math.ceil(settings.connections / settings.socketsPerProcess);
  return Promise.all(
    Array.from({ length: processes }, (_, n) => {
      const sockets = Math.min(settings.socketsPerProcess, settings.connections - n * settings.socketsPerProcess);
      const env = {
        BENCH_FLOOD_URL: gateway.url,
        BENCH_FLOOD_LOCAL_ADDRESS: from,
        BENCH_FLOOD_TOKEN: token,
        BENCH_FLOOD_SOCKETS: String(sockets),
        BENCH_FLOOD_RECONNECT_MS: String(settings.reconnectMs),
        BENCH_FLOOD_STATS: statsFile(dir, keys, n),
      };
      return startChild('bench/flood-client.ts', env, floodReady, 30_000, { openFiles: sockets + 128 });
    }),
  );
}

const statsFile = (dir: string, keys: string, n: number) => join(dir, `flood-${keys.replace(/\W+/g, '-')}-${n}.json`);

/** Stops the flooders (each writes its counts on SIGTERM) and adds their counts up. */
async function stopFlooders(flooders: ChildServer[], dir: string, keys: string): Promise<FloodClientStats> {
  await Promise.all(flooders.map((flooder) => flooder.stop()));
  const total: FloodClientStats = { attempted: 0, established: 0, closedUnanswered: 0, heldAtMost: 0, answers: {}, errors: {} };
  for (const [n] of flooders.entries()) {
    const stats = JSON.parse(await readFile(statsFile(dir, keys, n), 'utf8')) as FloodClientStats;
    total.attempted += stats.attempted;
    total.established += stats.established;
    total.closedUnanswered += stats.closedUnanswered;
    // Processes peak at different moments: the sum bounds what the gateway held at once from above.
    total.heldAtMost += stats.heldAtMost;
    for (const [status, count] of Object.entries(stats.answers)) total.answers[status] = (total.answers[status] ?? 0) + count;
    for (const [code, count] of Object.entries(stats.errors)) total.errors[code] = (total.errors[code] ?? 0) + count;
  }
  return total;
}

interface RssSample {
  at: number;
  mib: number;
}

/** The resident memory of `pid`, every 250 ms, from /proc; no samples without it. */
function sampleRss(pid: number | undefined) {
  const samples: RssSample[] = [];
  const read = () => {
    try {
      const kib = Number(/^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
      if (Number.isFinite(kib)) samples.push({ at: performance.now(), mib: kib / 1024 });
    } catch {
      // No /proc (macOS), or the child is gone: the figures say n/a.
    }
  };
  read();
  const timer = setInterval(read, 250);
  return {
    stop() {
      clearInterval(timer);
      read();
      return samples;
    },
  };
}

function phaseFigures(mark: PhaseMark, requests: VictimRequest[], samples: RssSample[]): PhaseFigures {
  const inPhase = requests.filter((request) => request.phase === mark.phase);
  const rss = samples.filter((sample) => sample.at >= mark.startedAt && sample.at <= mark.endedAt).map((sample) => sample.mib);
  return {
    phase: mark.phase,
    seconds: (mark.endedAt - mark.startedAt) / 1000,
    pooled: summarizeLatency(inPhase.filter((request) => request.client === 'pooled')),
    fresh: summarizeLatency(inPhase.filter((request) => request.client === 'fresh')),
    rssMiB: rss.length === 0 ? null : { start: rss[0] ?? Number.NaN, peak: Math.max(...rss), end: rss.at(-1) ?? Number.NaN },
    cpuPercent: mark.cpu && {
      gateway: (mark.cpu.seconds.measured / mark.cpu.wallSeconds) * 100,
      flooders: mark.cpu.idleChildrenPercent,
      outside: mark.cpu.outsidePercent,
    },
  };
}
