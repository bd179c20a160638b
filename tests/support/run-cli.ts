/**
 * Runs the real `lienthong` command as a child process, the way an operator does, from its TypeScript sources
 * (`node --import tsx app/cli.ts …`, what `npm run lienthong` runs): tests need no build. The installed command,
 * bin/lienthong.js, runs the compiled dist/ instead; tests/packed-install.test.ts runs that one.
 * Every child started here is remembered until it exits, so a test's afterEach can kill what a failure left.
 * A verb that exits can run in the test's own process instead, much faster: run-cli-in-process.ts.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { TEST_AUDIT_KEY_TEXT } from '../../core/testing/test-audit-key.ts';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** tsx by its full path: a child started in another folder (`cwd`) could not find it by name. */
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/** Variables set to undefined are removed from the child's environment (the parent's may have them). */
export type ChildEnv = Record<string, string | undefined>;

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

const live = new Set<ChildProcess>();

function childEnv(env: ChildEnv): NodeJS.ProcessEnv {
  const merged: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'warn', LIENTHONG_AUDIT_KEY: TEST_AUDIT_KEY_TEXT, ...env };
  for (const [name, value] of Object.entries(merged)) if (value === undefined) delete merged[name];
  return merged;
}

export interface CliChild {
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Starts `lienthong …args` and leaves it running; killChildren() ends it if the test does not. `cwd` (default: the
 * repository) is where relative paths such as the default store `./data/…` land.
 */
export function spawnCli(args: string[], env: ChildEnv, options: { cwd?: string } = {}): CliChild {
  const child = spawn(process.execPath, ['--import', TSX, join(ROOT, 'app/cli.ts'), ...args], { cwd: options.cwd ?? ROOT, env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  const exited = once(child, 'exit').then(([code, signal]) => {
    live.delete(child);
    return { code: code as number | null, signal: signal as NodeJS.Signals | null };
  });
  return { child, exited };
}

const start = spawnCli;

/** Runs one command to its end. A command still running after `limitMs` is killed and reported as a failure. */
export async function runCli(args: string[], env: ChildEnv, limitMs = 30_000): Promise<CliResult> {
  const { child, exited } = start(args, env);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), limitMs);
  const [{ code, signal }] = await Promise.all([exited, once(child.stdout!, 'close'), once(child.stderr!, 'close')]);
  clearTimeout(timer);
  if (signal === 'SIGKILL') throw new Error(`lienthong ${args.join(' ')} did not finish; killed.\nstdout:\n${stdout}\nstderr:\n${stderr}`);
  return { code, signal, stdout, stderr };
}

export interface ServeChild {
  /** The gateway's base URL, as its "listening" log line gives it. */
  url: string;
  /** What it wrote so far (its log lines). */
  stdout(): string;
  stderr(): string;
  /** Sends SIGTERM, as a service manager stops it, and resolves once it has exited. */
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** The JSON log line `serve` writes once it listens; its URL is group 1. */
export const LISTENING_JSON = /"url":"(http:\/\/[^"]+)"[^\n]*"msg":"gateway listening"/;

/**
 * Starts `lienthong serve …args` (logging at info unless `env` says otherwise) and resolves once `listening` matches
 * its stdout, with the URL the match captured.
 */
export async function startServeCommand(args: string[], env: ChildEnv, listening: RegExp = LISTENING_JSON): Promise<ServeChild> {
  const { child, exited } = start(['serve', ...args], { LOG_LEVEL: 'info', ...env });
  let stdout = '';
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = listening.exec(stdout);
      if (match?.[1]) resolve(match[1]);
    });
    exited.then(({ code, signal }) => reject(new Error(`serve exited (${signal ?? code}) before it listened.\nstdout:\n${stdout}\nstderr:\n${stderr}`)));
  });
  return {
    url,
    stdout: () => stdout,
    stderr: () => stderr,
    stop: () => {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

export interface SandboxChild {
  child: ChildProcess;
  /** The gateway's base URL, read from the banner line `lienthong sandbox on http://127.0.0.1:PORT`. */
  url: string;
  /** The banner as printed, from its URL line to the blank line after the curl lines. */
  banner: string;
  /** Everything written so far (banner and logs). */
  stdout(): string;
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const BANNER_URL = /lienthong sandbox on (http:\/\/127\.0\.0\.1:\d+)\n/;

/**
 * Starts `lienthong sandbox --port 0 …args` and resolves once its whole banner is printed. With `signalAtBanner`, that
 * signal is sent in the very callback that sees the banner's URL line, as a supervisor watching the output would.
 */
export async function startSandboxCommand(
  env: ChildEnv,
  options: { signalAtBanner?: NodeJS.Signals; args?: string[]; cwd?: string } = {},
): Promise<SandboxChild> {
  const { child, exited } = start(['sandbox', '--port', '0', ...(options.args ?? [])], env, { cwd: options.cwd });
  let signalled = false;
  let stdout = '';
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise<SandboxChild>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = BANNER_URL.exec(stdout);
      if (!match?.[1]) return;
      if (options.signalAtBanner && !signalled) {
        signalled = true;
        child.kill(options.signalAtBanner);
      }
      // The banner ends with the blank line after its "try:" section.
      const tryAt = stdout.indexOf('  try:', match.index);
      const end = tryAt < 0 ? -1 : stdout.indexOf('\n\n', tryAt);
      if (end < 0) return;
      const bannerStart = stdout.lastIndexOf('\n', match.index) + 1;
      resolve({ child, url: match[1], banner: stdout.slice(bannerStart, end + 1), stdout: () => stdout, stderr: () => stderr, exited });
    });
    exited.then(({ code, signal }) => reject(new Error(`sandbox exited (${signal ?? code}) before its banner was complete.\nstdout:\n${stdout}\nstderr:\n${stderr}`)));
  });
}

export interface SimulateChild {
  child: ChildProcess;
  /** The simulator's base URL, from the line `PLUGIN simulator on http://127.0.0.1:PORT`. */
  url: string;
  stdout(): string;
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const SIMULATOR_URL = /simulator on (http:\/\/127\.0\.0\.1:\d+)\n/;

/** Starts `lienthong simulate …args` and resolves once it has printed what it prints at start (three lines). */
export async function startSimulateCommand(args: string[], env: ChildEnv): Promise<SimulateChild> {
  const { child, exited } = start(['simulate', ...args], env);
  let stdout = '';
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise<SimulateChild>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = SIMULATOR_URL.exec(stdout);
      if (!match?.[1] || stdout.slice(match.index).split('\n').length < 4) return;
      resolve({ child, url: match[1], stdout: () => stdout, stderr: () => stderr, exited });
    });
    exited.then(({ code, signal }) => reject(new Error(`simulate exited (${signal ?? code}) before it said where it listens.\nstdout:\n${stdout}\nstderr:\n${stderr}`)));
  });
}

/** Kills (SIGKILL) every child still running and waits for each to exit. */
export async function killChildren(): Promise<void> {
  const children = [...live];
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await Promise.all(children.map((child) => (child.exitCode === null && child.signalCode === null ? once(child, 'exit') : undefined)));
}
