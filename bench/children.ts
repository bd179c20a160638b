import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import * as v from 'valibot';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
/** Kept for failure reports only: a chatty child must not grow the bench's memory. */
const STDERR_KEEP = 16 * 1024;

export interface ChildServer<Ready = unknown> {
  /** The `ready` object the child printed, checked with the caller's schema. */
  ready: Ready;
  child: ChildProcess;
  /** The tail of what the child wrote on stderr. */
  stderr(): string;
  /** SIGTERM, then SIGKILL if the child has not exited within `graceMs`. Safe to call twice. */
  stop(graceMs?: number): Promise<void>;
}

const running = new Set<Omit<ChildServer, 'ready'>>();

// Whatever ends the bench, no server is left behind (kill is synchronous, so it works in 'exit').
process.on('exit', () => {
  for (const server of running) server.child.kill('SIGKILL');
});

/** What every server child prints when it listens. */
export const urlReady = v.object({ url: v.string() });

/**
 * Runs `script` (a path from the repository root) as `node --import tsx script` and resolves once it printed
 * one line `{"ready":…}` on stdout that `readyShape` accepts. Rejects if it exits or stays silent for `readyTimeoutMs`.
 * With `openFiles`, the child's soft limit on open files is raised to it first (through `sh -c 'ulimit -S -n …'`),
 * or to the hard limit when that is lower: the child reads what it got.
 */
export async function startChild<Ready>(
  script: string,
  env: Record<string, string>,
  readyShape: v.GenericSchema<unknown, Ready>,
  readyTimeoutMs = 30_000,
  options: { openFiles?: number } = {},
): Promise<ChildServer<Ready>> {
  const node = [process.execPath, '--import', 'tsx', script];
  const raise = `ulimit -S -n ${options.openFiles} 2>/dev/null || ulimit -S -n "$(ulimit -H -n)" 2>/dev/null; exec "$0" "$@"`;
  const [command, ...args] = options.openFiles === undefined ? node : ['/bin/sh', '-c', raise, ...node];
  const child = spawn(command ?? process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-STDERR_KEEP);
  });
  const exited = once(child, 'exit').then(([code, signal]: unknown[]) => String(signal ?? code));
  let stopping: Promise<void> | undefined;
  const server: Omit<ChildServer, 'ready'> = {
    child,
    stderr: () => stderr,
    stop(graceMs = 5_000) {
      stopping ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) {
          child.kill('SIGTERM');
          const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
          await exited;
          clearTimeout(timer);
        }
        running.delete(server);
      })();
      return stopping;
    },
  };
  running.add(server);

  let ready: Ready;
  try {
    const printed = await new Promise<unknown>((resolve, reject) => {
      let stdout = '';
      let found = false;
      const timer = setTimeout(() => reject(new Error(`${script} printed no ready line within ${readyTimeoutMs} ms`)), readyTimeoutMs);
      // The listener stays after the ready line so that the pipe keeps draining; later output is dropped.
      child.stdout?.on('data', (chunk: Buffer) => {
        if (found) return;
        stdout += chunk.toString();
        const complete = stdout.split('\n').slice(0, -1);
        const line = complete.find((candidate) => candidate.startsWith('{"ready"'));
        if (!line) return;
        found = true;
        clearTimeout(timer);
        resolve((JSON.parse(line) as { ready: unknown }).ready);
      });
      exited.then((how) => {
        clearTimeout(timer);
        reject(new Error(`${script} exited (${how}) before it was ready`));
      });
    });
    ready = v.parse(readyShape, printed);
  } catch (error) {
    await server.stop();
    throw new Error(`${error instanceof Error ? error.message : String(error)}\n--- its stderr ---\n${stderr}`, { cause: error });
  }
  return { ...server, ready };
}

/** Stops every child still running; for the bench's `finally`. */
export async function stopAllChildren(): Promise<void> {
  await Promise.all([...running].map((server) => server.stop()));
}

/** Adds the tail of the child's stderr to whatever went wrong. */
export async function explained<T>(server: ChildServer, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    const tail = server.stderr().trim();
    if (!tail) throw error;
    throw new Error(`${error instanceof Error ? error.message : String(error)}\n--- child stderr ---\n${tail}`, { cause: error });
  }
}
