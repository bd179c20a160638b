/**
 * The sandbox in a child process of its own, for whole-gateway tests that kill it, restart it on the same store or
 * read its logs: `spawnSandbox` starts a program that runs the sandbox, and that program tells it where it listens
 * with `announceSandbox`, one JSON line `{"ready":…}` on stdout.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import type { RunningSandbox } from '../../sandbox/sandbox.ts';
import type { SandboxAddress } from './sandbox-client.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export interface SandboxProcess extends SandboxAddress {
  child: ChildProcess;
  /** Everything the child wrote on stderr (its logs), for assertions and for failures. */
  stderr(): string;
  /** Resolves with the exit code, or the signal that ended it. */
  exited: Promise<number | NodeJS.Signals>;
  /** SIGTERM unless it has ended already; resolves once it has exited. */
  stop(): Promise<number | NodeJS.Signals>;
}

/**
 * Runs `main` (a path from the repository's root, or a file URL) under tsx in a child process on a free port, with
 * the parent's environment plus `env`, and resolves once it has announced itself; rejects if it exits before.
 */
export async function spawnSandbox(main: string | URL, env: Record<string, string>): Promise<SandboxProcess> {
  const program = main instanceof URL ? fileURLToPath(main) : main;
  const child = spawn(process.execPath, ['--import', 'tsx', program], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = once(child, 'exit').then(([code, signal]) => (signal ?? code) as number | NodeJS.Signals);
  return new Promise<SandboxProcess>((resolve, reject) => {
    let stdout = '';
    const onData = (chunk: Buffer) => {
      stdout += chunk.toString();
      const line = stdout.split('\n').find((candidate) => candidate.startsWith('{"ready"'));
      if (!line) return;
      child.stdout?.off('data', onData);
      const { ready } = JSON.parse(line) as { ready: SandboxAddress };
      const stop = () => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
        return exited;
      };
      resolve({ ...ready, child, stderr: () => stderr, exited, stop });
    };
    child.stdout?.on('data', onData);
    exited.then((how) => reject(new Error(`sandbox exited (${how}) before it was ready:\n${stderr}`)));
  });
}

/**
 * For the program `spawnSandbox` runs: prints where the sandbox listens, and stops it on SIGTERM or SIGINT, letting
 * attempts in flight finish within LIENTHONG_TEST_GRACE_MS (default 5 s).
 */
export function announceSandbox(sandbox: RunningSandbox): void {
  const keys = Object.fromEntries(sandbox.keys.map((key) => [key.role, key.token]));
  const ready: SandboxAddress = { url: sandbox.gateway.url, simulators: sandbox.simulators, keys: { client: keys.client ?? '', operator: keys.operator ?? '' } };
  process.stdout.write(`${JSON.stringify({ ready })}\n`);
  const stop = () => {
    sandbox.stop(Number(process.env.LIENTHONG_TEST_GRACE_MS ?? 5000)).then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
