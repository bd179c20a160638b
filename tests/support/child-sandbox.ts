import { type SandboxProcess, spawnSandbox } from '../../core/sdk/testing/sandbox-process.ts';

export type ChildSandbox = SandboxProcess;

/** Starts the sandbox (tests/support/sandbox-main.ts) as a real child process on a free port. */
export function startChildSandbox(env: Record<string, string>): Promise<ChildSandbox> {
  return spawnSandbox('tests/support/sandbox-main.ts', env);
}
