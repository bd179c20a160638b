import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface ChildSandbox {
  url: string;
  simulators: Record<string, string>;
  keys: { client: string; operator: string };
  child: ChildProcess;
  /** Everything the child wrote on stderr (its logs), for assertions and for failures. */
  stderr(): string;
  /** Resolves with the exit code, or the signal that ended it. */
  exited: Promise<number | NodeJS.Signals>;
  /** SIGTERM unless it has ended already; resolves once it has exited. */
  stop(): Promise<number | NodeJS.Signals>;
}

/** Starts the sandbox (tests/support/sandbox-main.ts) as a real child process on a free port. */
export async function startChildSandbox(env: Record<string, string>): Promise<ChildSandbox> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'tests/support/sandbox-main.ts'], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = once(child, 'exit').then(([code, signal]) => (signal ?? code) as number | NodeJS.Signals);
  const ready = await new Promise<ChildSandbox>((resolve, reject) => {
    let stdout = '';
    const onData = (chunk: Buffer) => {
      stdout += chunk.toString();
      const line = stdout.split('\n').find((candidate) => candidate.startsWith('{"ready"'));
      if (!line) return;
      child.stdout?.off('data', onData);
      const { ready } = JSON.parse(line) as { ready: Omit<ChildSandbox, 'child' | 'stderr' | 'exited'> };
      const stop = () => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
        return exited;
      };
      resolve({ ...ready, child, stderr: () => stderr, exited, stop });
    };
    child.stdout?.on('data', onData);
    exited.then((how) => reject(new Error(`sandbox exited (${how}) before it was ready:\n${stderr}`)));
  });
  return ready;
}
