/**
 * Start-up of `lienthong serve`, the TypeScript sources under tsx (`node --import tsx app/cli.ts serve`, how the
 * command ran before the compiled build) beside the compiled program (`node bin/lienthong.js serve`, dist/): the time
 * from spawning the process until /readyz first answers 200, and the process's resident memory (VmRSS, all threads)
 * one second after that. BENCH_STARTUP_RUNS (5) starts of each, in turns, on one store and one config (two
 * instances, secrets from the environment). One unmeasured start of each goes first: it creates the store and fills
 * tsx's transform cache, which a gateway's first start does once. dist/ is built first if the sources changed.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { readFile, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { wholeFromEnv } from './env.ts';
import { type Spread, spread } from './stats.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
/** How long after readiness the memory is read: the start's garbage has had time to go. */
const SETTLE_MS = 1_000;
const READY_LIMIT_MS = 60_000;

export interface StartupSettings {
  runs: number;
}

export const readStartupSettings = (): StartupSettings => ({ runs: wholeFromEnv('BENCH_STARTUP_RUNS', 5) });

export const STARTUP_VARIANTS = {
  tsx: { label: 'TypeScript under tsx', argv: ['--import', 'tsx', 'app/cli.ts'] },
  compiled: { label: 'compiled (dist/)', argv: ['bin/lienthong.js'] },
} as const;

export type StartupVariant = keyof typeof STARTUP_VARIANTS;

export interface StartupFigures {
  /** Spawn until /readyz first answered 200, each start in order. */
  readyMs: number[];
  /** VmRSS one second after readiness, each start in order. */
  rssMb: number[];
  ready: Spread;
  rss: Spread;
}

export interface StartupBench {
  settings: StartupSettings;
  settleMs: number;
  variants: Record<StartupVariant, StartupFigures>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

/** GET /readyz on a fresh connection: its status, or undefined while nothing listens. */
function readyz(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/readyz', agent: false, headers: { connection: 'close' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('error', () => resolve(undefined));
    req.end();
  });
}

async function rssMegabytes(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kilobytes = /^VmRSS:\s+(\d+) kB/m.exec(status)?.[1];
  if (!kilobytes) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(kilobytes) / 1024;
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/** One start of `serve`: ms until /readyz answered 200, and its RSS SETTLE_MS later. */
async function startOnce(variant: StartupVariant, config: string, env: Record<string, string>): Promise<{ readyMs: number; rssMb: number }> {
  const port = await freePort();
  const began = performance.now();
  const child = spawn(process.execPath, [...STARTUP_VARIANTS[variant].argv, 'serve', '--config', config, '--port', String(port), '--host', '127.0.0.1'], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-8192)));
  try {
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`serve (${variant}) exited before /readyz answered 200:\n${stderr}`);
      if (performance.now() - began > READY_LIMIT_MS) throw new Error(`serve (${variant}) not ready within ${READY_LIMIT_MS} ms:\n${stderr}`);
      if ((await readyz(port)) === 200) break;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const readyMs = performance.now() - began;
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    return { readyMs, rssMb: await rssMegabytes(child.pid!) };
  } finally {
    await stop(child);
  }
}

/** Builds dist/ when a source is newer than it, as `npm start` does. */
function buildIfChanged(): void {
  const built = spawnSync(process.execPath, ['scripts/build.mjs', '--when-changed'], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  if (built.status !== 0) throw new Error('npm run build failed: the compiled program cannot be measured');
}

export async function benchStartup(dir: string, step: (what: string) => void, settings: StartupSettings): Promise<StartupBench> {
  step('start-up: building dist/ if the sources changed');
  buildIfChanged();
  const config = join(dir, 'startup-gateway.json');
  await writeFile(
    config,
    JSON.stringify({
      agencies: [{ code: '000.00.01.H22' }],
      instances: [
        {
          id: 'sms',
          plugin: 'sms-viettel',
          agencies: ['*'],
          config: { endpoint: 'http://127.0.0.1:9/bulkapi', user: 'bench', password: { env: 'BENCH_SMS_PASSWORD' }, cpCode: 'BENCH', brandname: 'BENCH' },
        },
        { id: 'paygov', plugin: 'payment-paygov', agencies: ['000.00.01.H22'], config: { endpoint: 'http://127.0.0.1:9', partnerCode: 'BENCH', secret: { env: 'BENCH_PAYGOV_SECRET' } } },
      ],
    }),
  );
  const env = {
    LIENTHONG_DB: join(dir, 'startup.db'),
    LIENTHONG_AUDIT_KEY: randomBytes(36).toString('base64'),
    BENCH_SMS_PASSWORD: randomBytes(18).toString('base64url'),
    BENCH_PAYGOV_SECRET: randomBytes(18).toString('base64url'),
  };
  const variants = Object.keys(STARTUP_VARIANTS) as StartupVariant[];
  step('start-up: one unmeasured start of each (the store is created, tsx caches its transforms)');
  for (const variant of variants) await startOnce(variant, config, env);
  const measured = Object.fromEntries(variants.map((variant) => [variant, { readyMs: [] as number[], rssMb: [] as number[] }])) as Record<StartupVariant, { readyMs: number[]; rssMb: number[] }>;
  for (let run = 1; run <= settings.runs; run++) {
    for (const variant of variants) {
      const { readyMs, rssMb } = await startOnce(variant, config, env);
      measured[variant].readyMs.push(readyMs);
      measured[variant].rssMb.push(rssMb);
      step(`start-up ${run}/${settings.runs}, ${STARTUP_VARIANTS[variant].label}: ready in ${readyMs.toFixed(0)} ms, RSS ${rssMb.toFixed(1)} MB`);
    }
  }
  const figures = (variant: StartupVariant): StartupFigures => ({ ...measured[variant], ready: spread(measured[variant].readyMs), rss: spread(measured[variant].rssMb) });
  return { settings, settleMs: SETTLE_MS, variants: { tsx: figures('tsx'), compiled: figures('compiled') } };
}
